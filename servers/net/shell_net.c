/* The shell's network commands (SHELL_COMMANDS in servers/shell/shell.h):
 * ifconfig, ping and netstat, linked into the shell, clients of the
 * network server's ifinfo, ping and sockinfo calls (include/kestrel/
 * proto/net.h); ping's host name goes through the C library's
 * getaddrinfo, which asks the same server's resolver. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/net.h>
#include <kestrel/proto/supervisor.h>

#include "server.h"
#include "sleep.h"
#include "syscalls.h"
#include "../shell/shell.h"

PROTO_CLIENT(NET_OPS)
PROTO_CLIENT(SUP_OPS)

#define PING_COUNT_MAX 100
#define PING_WAIT_MS   1000 /* for each reply */
#define PING_EVERY_MS  1000 /* from one request to the next */
#define PING_DATA      56   /* bytes after the ICMP header, as other pings send */

/* The network service, looked up on first use: false after saying why
 * there is none. */
static bool net_client(const char *cmd, struct proto_client **c)
{
	static struct proto_client net;
	long e;

	if (!net.pc_ep && (e = service_lookup(NET_SERVICE, &net)) != E_OK) {
		printf("%s: no network service: %s\n", cmd, proto_error_text(e));
		return false;
	}
	*c = &net;
	return true;
}

/* An address in network byte order as text. */
static const char *ip(uint32_t addr, char *text)
{
	struct in_addr a = { addr };

	return inet_ntop(AF_INET, &a, text, INET_ADDRSTRLEN);
}

static void print_flags(uint32_t f)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} flags[] = { { NET_IF_UP, "UP" },
		      { NET_IF_LINK, "LINK" },
		      { NET_IF_LOOPBACK, "LOOPBACK" },
		      { NET_IF_DHCP, "DHCP" },
		      { NET_IF_DEFAULT, "DEFAULT" } };
	const char *sep = "";

	printf("<");
	for (unsigned i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (f & flags[i].bit) {
			printf("%s%s", sep, flags[i].name);
			sep = ",";
		}
	printf(">");
}

/* ifconfig: each interface, its addresses and counters. */
void shell_cmd_ifconfig(struct shell *sh, int argc, char **argv)
{
	struct proto_client *net;
	struct net_ifinfo_rep r;
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN];
	long e;

	(void)sh;
	(void)argc;
	(void)argv;
	if (!net_client("ifconfig", &net))
		return;
	for (uint64_t i = 0; (e = net_ifinfo(net, &(struct net_index_req){ i }, &r)) == E_OK;
	     i = r.index + 1) {
		r.name[NET_IFNAME_MAX - 1] = '\0';
		printf("%s: flags=", r.name);
		print_flags(r.flags);
		if (r.mtu) /* lwIP's loopback interface has none */
			printf(" mtu %u", r.mtu);
		printf("\n        inet %s netmask %s", ip(r.addr, a), ip(r.netmask, m));
		if (r.gateway && !(r.flags & NET_IF_LOOPBACK))
			printf(" gateway %s", ip(r.gateway, a));
		if ((r.flags & NET_IF_DEFAULT) && r.dns)
			printf(" dns %s", ip(r.dns, a));
		printf("\n");
		if (!(r.flags & NET_IF_LOOPBACK))
			printf("        ether %02x:%02x:%02x:%02x:%02x:%02x (attached to its driver %lu "
			       "time%s)\n",
			       r.mac[0], r.mac[1], r.mac[2], r.mac[3], r.mac[4], r.mac[5], r.attaches,
			       r.attaches == 1 ? "" : "s");
		printf("        rx %lu packets %lu bytes %lu dropped\n", r.rx_packets, r.rx_bytes,
		       r.rx_drops);
		printf("        tx %lu packets %lu bytes %lu dropped\n", r.tx_packets, r.tx_bytes,
		       r.tx_drops);
	}
	if (e != E_NOT_FOUND)
		printf("ifconfig: %s\n", proto_error_text(e));
}

/* The IPv4 address of host (a number or a name), or false after saying
 * why not. */
static bool host_address(const char *host, uint32_t *addr)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM }, *res;
	int e = getaddrinfo(host, NULL, &hints, &res);

	if (e) {
		printf("ping: %s: %s\n", host, gai_strerror(e));
		return false;
	}
	*addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr;
	freeaddrinfo(res);
	return true;
}

/* ping HOST [COUNT]: COUNT echo requests a second apart (4 by default),
 * each reply's round trip, then how many came back. */
void shell_cmd_ping(struct shell *sh, int argc, char **argv)
{
	struct proto_client *net;
	uint64_t count = 4, got = 0, min = ~0ULL, max = 0, sum = 0;
	char a[INET_ADDRSTRLEN];
	uint32_t addr;

	if (argc == 3 && !shell_number("ping", argv[2], &count))
		return;
	if (count < 1 || count > PING_COUNT_MAX) {
		printf("ping: COUNT is 1 to %u\n", PING_COUNT_MAX);
		return;
	}
	if (!net_client("ping", &net) || !host_address(argv[1], &addr))
		return;
	printf("PING %s (%s): %u data bytes\n", argv[1], ip(addr, a), PING_DATA);
	for (uint64_t seq = 0; seq < count; seq++) {
		struct net_ping_req q = { addr, (uint16_t)seq, PING_DATA, PING_WAIT_MS };
		struct net_ping_rep r;
		uint64_t start = sys_clock_ms(), spent;
		long e = net_ping(net, &q, &r);

		if (e == E_OK) {
			printf("%u bytes from %s: seq=%lu ttl=%lu time=%lu.%03lu ms\n", PING_DATA + 8, a, seq,
			       r.ttl, r.rtt_us / 1000, r.rtt_us % 1000);
			got++;
			sum += r.rtt_us;
			min = r.rtt_us < min ? r.rtt_us : min;
			max = r.rtt_us > max ? r.rtt_us : max;
		} else {
			printf("seq=%lu: %s\n", seq, proto_error_text(e));
		}
		spent = sys_clock_ms() - start;
		if (seq + 1 < count && spent < PING_EVERY_MS)
			sleep_ms(sh->sh_pool, PING_EVERY_MS - spent);
	}
	printf("--- %s ping statistics ---\n", argv[1]);
	printf("%lu sent, %lu received, %lu%% lost", count, got, (count - got) * 100 / count);
	if (got)
		printf(", round trip min/avg/max %lu.%03lu/%lu.%03lu/%lu.%03lu ms", min / 1000, min % 1000,
		       sum / got / 1000, sum / got % 1000, max / 1000, max % 1000);
	printf("\n");
}

/* addr:port, or *:* for none, into text. */
static const char *endpoint(const struct net_addr *n, char *text, size_t size)
{
	char a[INET_ADDRSTRLEN];

	if (!n->addr && !n->port)
		snprintf(text, size, "*:*");
	else if (!n->port)
		snprintf(text, size, "%s:*", ip(n->addr, a));
	else
		snprintf(text, size, "%s:%u", ip(n->addr, a), n->port);
	return text;
}

/* netstat: every socket of every client, with its state and owner. */
void shell_cmd_netstat(struct shell *sh, int argc, char **argv)
{
	struct proto_client *net;
	struct net_sockinfo_rep r;
	char local[24], remote[24];
	long e;

	(void)argc;
	(void)argv;
	if (!net_client("netstat", &net))
		return;
	printf("%-5s %-21s %-21s %-11s %6s %6s %s\n", "PROTO", "LOCAL", "REMOTE", "STATE", "RECV-Q", "SEND-Q",
	       "OWNER");
	for (uint64_t i = 0; (e = net_sockinfo(net, &(struct net_index_req){ i }, &r)) == E_OK;
	     i = r.index + 1) {
		struct sup_list_rep owner = { 0 };

		r.state[NET_STATE_MAX - 1] = '\0';
		if (sup_list(&sh->sh_sup, &(struct sup_index_req){ r.owner }, &owner) != E_OK)
			snprintf(owner.name, sizeof(owner.name), "#%lu", r.owner);
		owner.name[SERVER_NAME_LEN - 1] = '\0';
		printf("%-5s %-21s %-21s %-11s %6lu %6lu %s (generation %lu)\n",
		       r.type == NET_TCP ? "tcp" : "udp", endpoint(&r.local, local, sizeof(local)),
		       endpoint(&r.remote, remote, sizeof(remote)), r.state[0] ? r.state : "-", r.rx_queued,
		       r.tx_queued, owner.name, r.session);
	}
	if (e != E_NOT_FOUND)
		printf("netstat: %s\n", proto_error_text(e));
}
