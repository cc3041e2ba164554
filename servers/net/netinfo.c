/* What ifconfig and netstat show (net.h's ifinfo and sockinfo): lwIP's
 * interfaces with their counters, and every client's sockets with the
 * state of their pcbs. Reads only: a pcb is looked at while its socket
 * holds it (sock.h's rule), never kept. */
#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/net.h>
#include <kestrel/proto/supervisor.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

#include "ethif.h"
#include "nic.h"
#include "proto.h"
#include "sock.h"

PROTO_SERVER(NET_OPS)

static struct net_table *table;

void netinfo_init(struct net_table *t)
{
	table = t;
}

static uint32_t ip4_of(const ip4_addr_t *a)
{
	return ip4_addr_get_u32(a);
}

static void ifinfo_fill(struct netif *n, uint64_t index, struct net_ifinfo_rep *r)
{
	r->index = index;
	snprintf(r->name, sizeof(r->name), "%c%c%u", n->name[0], n->name[1], n->num);
	r->addr = ip4_of(netif_ip4_addr(n));
	r->netmask = ip4_of(netif_ip4_netmask(n));
	r->gateway = ip4_of(netif_ip4_gw(n));
	r->dns = ip4_of(ip_2_ip4(dns_getserver(0)));
	memcpy(r->mac, n->hwaddr, n->hwaddr_len < sizeof(r->mac) ? n->hwaddr_len : sizeof(r->mac));
	r->mtu = n->mtu;
	r->flags = (netif_is_up(n) ? NET_IF_UP : 0) | (netif_is_link_up(n) ? NET_IF_LINK : 0) |
	           (n->name[0] == 'l' && n->name[1] == 'o' ? NET_IF_LOOPBACK : 0) |
	           (dhcp_supplied_address(n) ? NET_IF_DHCP : 0) | (netif_default == n ? NET_IF_DEFAULT : 0);
	r->rx_packets = n->mib2_counters.ifinucastpkts + n->mib2_counters.ifinnucastpkts;
	r->rx_bytes = n->mib2_counters.ifinoctets;
	r->rx_drops = n->mib2_counters.ifindiscards + n->mib2_counters.ifinerrors;
	r->tx_packets = n->mib2_counters.ifoutucastpkts + n->mib2_counters.ifoutnucastpkts;
	r->tx_bytes = n->mib2_counters.ifoutoctets;
	r->tx_drops = n->mib2_counters.ifoutdiscards;
	r->attaches = ethif_is(n) ? nic_attaches() : 0;
}

long net_ifinfo_srv(struct proto_ctx *ctx, const struct net_index_req *q, struct net_ifinfo_rep *r)
{
	struct netif *n;
	uint64_t i = 0;

	(void)ctx;
	/* lwIP lists the newest interface first: the loopback one is last. */
	NETIF_FOREACH(n)
	if (i++ >= q->index) {
		ifinfo_fill(n, i - 1, r);
		return 0;
	}
	return E_NOT_FOUND;
}

static const char *const tcp_states[] = { "CLOSED",      "LISTEN",     "SYN_SENT",   "SYN_RCVD",
	                                  "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
	                                  "CLOSING",     "LAST_ACK",   "TIME_WAIT" };

static struct net_addr addr_of(const ip_addr_t *ip, u16_t port)
{
	return (struct net_addr){ .addr = ip4_addr_get_u32(ip_2_ip4(ip)), .port = port };
}

static void sockinfo_tcp(const struct net_sock *s, struct net_sockinfo_rep *r)
{
	const char *state = "CLOSED";

	if (s->ns_state == SOCK_LISTEN && s->ns_pcb) {
		const struct tcp_pcb_listen *l = s->ns_pcb;

		r->local = addr_of(&l->local_ip, l->local_port);
		state = "LISTEN";
	} else if (s->ns_pcb) {
		const struct tcp_pcb *t = s->ns_pcb;

		r->local = addr_of(&t->local_ip, t->local_port);
		if (t->state != LISTEN && t->state != CLOSED)
			r->remote = addr_of(&t->remote_ip, t->remote_port);
		if ((unsigned)t->state < sizeof(tcp_states) / sizeof(tcp_states[0]))
			state = tcp_states[t->state];
		r->tx_queued = TCP_SND_BUF - t->snd_buf;
	}
	snprintf(r->state, sizeof(r->state), "%s", state);
	r->rx_queued = s->ns_rx ? ((const struct pbuf *)s->ns_rx)->tot_len : 0;
}

static void sockinfo_udp(const struct net_sock *s, struct net_sockinfo_rep *r)
{
	const struct udp_pcb *u = s->ns_pcb;

	if (u) {
		r->local = addr_of(&u->local_ip, u->local_port);
		if (s->ns_state == SOCK_CONNECTED)
			r->remote = addr_of(&u->remote_ip, u->remote_port);
	}
	for (unsigned i = 0; i < s->ns_dgram_count; i++)
		r->rx_queued +=
		        ((const struct pbuf *)s->ns_dgram[(s->ns_dgram_head + i) % NET_DGRAM_QUEUE])->tot_len;
}

long net_sockinfo_srv(struct proto_ctx *ctx, const struct net_index_req *q, struct net_sockinfo_rep *r)
{
	(void)ctx;
	for (uint64_t i = q->index; i < NET_SOCKETS; i++) {
		const struct net_sock *s = &table->nt_socks[i];
		const struct net_client *c;

		if (!s->ns_used)
			continue;
		c = &table->nt_clients[s->ns_client];
		*r = (struct net_sockinfo_rep){ .index = i,
			                        .type = s->ns_type,
			                        .owner = SUP_CLIENT_INDEX(c->nc_badge),
			                        .session = c->nc_session };
		if (s->ns_type == NET_TCP)
			sockinfo_tcp(s, r);
		else
			sockinfo_udp(s, r);
		return 0;
	}
	return E_NOT_FOUND;
}
