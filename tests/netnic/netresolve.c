/* netresolve (tests/qemu/netnic.sh): getaddrinfo as a service for the
 * host. Each datagram to UDP port RESOLVE_PORT is a host name; the answer
 * is "NAME ADDRESS" or "NAME error TEXT" (gai_strerror), and the same line
 * goes to the console with the milliseconds the lookup took. The host
 * reaches it through --hostfwd, so it compares the guest's answers, which
 * come through lwIP's resolver and QEMU's DNS, with its own resolver's. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "server.h"
#include "syscalls.h"

#define RESOLVE_PORT 5300

int main(void)
{
	struct sockaddr_in me = { .sin_family = AF_INET, .sin_port = htons(RESOLVE_PORT) };
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&me, sizeof(me)) < 0) {
		printf("netresolve: cannot bind port %d\n", RESOLVE_PORT);
		return 1;
	}
	server_ready();
	for (;;) {
		struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM }, *res;
		struct sockaddr_in from;
		socklen_t len = sizeof(from);
		char name[256], out[320];
		ssize_t r = recvfrom(s, name, sizeof(name) - 1, 0, (struct sockaddr *)&from, &len);
		uint64_t start = sys_clock_ms();
		int e, n;

		if (r <= 0)
			continue;
		name[r] = '\0';
		name[strcspn(name, "\r\n")] = '\0';
		e = getaddrinfo(name, NULL, &hints, &res);
		if (e == 0) {
			n = snprintf(out, sizeof(out), "%s %s\n", name,
			             inet_ntoa(((struct sockaddr_in *)res->ai_addr)->sin_addr));
			freeaddrinfo(res);
		} else {
			n = snprintf(out, sizeof(out), "%s error %s\n", name, gai_strerror(e));
		}
		printf("netresolve: %.*s (%lu ms)\n", n - 1, out, sys_clock_ms() - start);
		sendto(s, out, (size_t)(n < (int)sizeof(out) ? n : (int)sizeof(out) - 1), 0,
		       (struct sockaddr *)&from, len);
	}
}
