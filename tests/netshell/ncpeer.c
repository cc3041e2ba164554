/* The other end of the shell's nc -l (tests/qemu/netshell.sh): a client
 * of the network server that waits for the shell to listen.
 *
 * TCP, twice: it tries 127.0.0.1 port NCPEER_TCP every NAP_MS until a
 * connection is taken, says "hello from ncpeer", and sends back in
 * capitals whatever comes, until the shell's end closes; "later" comes
 * back after LATER_MS, while the shell's user types the next line. UDP: then it
 * sends "udp hello" to NCPEER_UDP every NAP_MS until an answer comes,
 * and from then on sends back in capitals every datagram, to its sender.
 * It never ends QEMU; the shell's poweroff does. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "glue.h"
#include "server.h"
#include "sleep.h"

#define NCPEER_TCP 5555
#define NCPEER_UDP 5556
#define NAP_MS     200
#define LATER_MS   2000

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void capitals(char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		s[i] = (char)toupper((unsigned char)s[i]);
}

static void tcp_peer(void)
{
	struct sockaddr_in a = loopback(NCPEER_TCP);
	char buf[512];
	ssize_t n;
	int fd;

	for (;;) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
			break;
		close(fd);
		sleep_ms(glue_pool_slot(), NAP_MS);
	}
	send(fd, "hello from ncpeer\n", 18, 0);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		if (n == 6 && memcmp(buf, "later\n", 6) == 0)
			sleep_ms(glue_pool_slot(), LATER_MS);
		capitals(buf, (size_t)n);
		send(fd, buf, (size_t)n, 0);
	}
	close(fd);
}

static void udp_peer(void)
{
	struct sockaddr_in to = loopback(NCPEER_UDP), from;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), answered = 0;
	char buf[512];

	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		socklen_t len = sizeof(from);
		ssize_t n;

		if (!answered)
			sendto(fd, "udp hello\n", 10, 0, (struct sockaddr *)&to, sizeof(to));
		if (poll(&p, 1, answered ? -1 : NAP_MS) != 1)
			continue;
		if ((n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len)) <= 0)
			continue;
		answered = 1;
		capitals(buf, (size_t)n);
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
}

int main(void)
{
	server_ready();
	tcp_peer();
	tcp_peer();
	udp_peer();
	return 0;
}
