/* BSD sockets (docs/libc.md): picolibc has no <sys/socket.h>, so libc-glue
 * has its own, found before picolibc's headers. IPv4 TCP and UDP over the
 * network server (net_glue.c); the constants are Linux's, so programs
 * written for it build unchanged. */
#pragma once

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef uint32_t socklen_t;
typedef uint16_t sa_family_t;

struct sockaddr {
	sa_family_t sa_family;
	char sa_data[14];
};

/* Room for any address the system knows (sockaddr_in today). */
struct sockaddr_storage {
	sa_family_t ss_family;
	char ss_pad[118];
	uint64_t ss_align;
};

struct linger {
	int l_onoff;
	int l_linger; /* seconds; only 0 (close resets the connection) is kept */
};

#define AF_UNSPEC 0
#define AF_INET   2
#define AF_INET6  10 /* not supported: socket() answers EAFNOSUPPORT */
#define PF_UNSPEC AF_UNSPEC
#define PF_INET   AF_INET
#define PF_INET6  AF_INET6

#define SOCK_STREAM   1
#define SOCK_DGRAM    2
#define SOCK_RAW      3 /* not supported */
#define SOCK_NONBLOCK O_NONBLOCK
#define SOCK_CLOEXEC  O_CLOEXEC /* accepted; there is no exec */

#define SOL_SOCKET    1
#define SO_REUSEADDR  2
#define SO_TYPE       3
#define SO_ERROR      4
#define SO_BROADCAST  6 /* accepted; broadcast needs no permission here */
#define SO_SNDBUF     7 /* reads the server's fixed size; setting it is ignored */
#define SO_RCVBUF     8 /* likewise */
#define SO_KEEPALIVE  9
#define SO_LINGER     13
#define SO_RCVTIMEO   20
#define SO_SNDTIMEO   21
#define SO_ACCEPTCONN 30

#define SOMAXCONN 16 /* the network server's bound on a listener's queue */

#define MSG_PEEK     0x02
#define MSG_TRUNC    0x20
#define MSG_DONTWAIT 0x40
#define MSG_WAITALL  0x100
#define MSG_NOSIGNAL 0x4000 /* there is no SIGPIPE: always so */

#define SHUT_RD   0
#define SHUT_WR   1
#define SHUT_RDWR 2

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen);
int shutdown(int fd, int how);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int setsockopt(int fd, int level, int name, const void *val, socklen_t len);
int getsockopt(int fd, int level, int name, void *val, socklen_t *len);
