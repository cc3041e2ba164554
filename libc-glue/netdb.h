/* Names to addresses (libc-glue/inet.c; picolibc has no <netdb.h>):
 * getaddrinfo for IPv4: numeric addresses, "localhost", and names by the
 * network server's DNS resolver (its servers are DHCP's). */
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

struct addrinfo {
	int ai_flags;
	int ai_family;
	int ai_socktype;
	int ai_protocol;
	socklen_t ai_addrlen;
	struct sockaddr *ai_addr;
	char *ai_canonname;
	struct addrinfo *ai_next;
};

#define AI_PASSIVE     0x0001 /* no host: INADDR_ANY rather than the loopback address */
#define AI_CANONNAME   0x0002
#define AI_NUMERICHOST 0x0004
#define AI_ADDRCONFIG  0x0020
#define AI_NUMERICSERV 0x0400

#define EAI_BADFLAGS -1
#define EAI_NONAME   -2
#define EAI_AGAIN    -3
#define EAI_FAIL     -4
#define EAI_FAMILY   -6
#define EAI_SOCKTYPE -7
#define EAI_SERVICE  -8
#define EAI_MEMORY   -10
#define EAI_SYSTEM   -11

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res);
void freeaddrinfo(struct addrinfo *res);
const char *gai_strerror(int err);
