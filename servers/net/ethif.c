/* lwIP's Ethernet interface (ethif.h): its frames go out through the
 * NIC's shared buffers, the NIC's frames come in through ethif_poll, and
 * lwIP's own ARP, DHCP and Ethernet layers do the rest. It counts what
 * passes in lwIP's interface counters (MIB2), as the loopback interface
 * does its own. */
#include "ethif.h"

#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>
#include <kestrel/proto/net.h>
#include <kestrel/proto/nic.h>

#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/snmp.h"
#include "netif/ethernet.h"

#include "nic.h"
#include "proto.h"
#include "syscalls.h"

#define FRAME_MAX      1518 /* an Ethernet frame with a VLAN tag, without its FCS */
#define ETHIF_RETRY_MS 1000 /* how often a NIC that failed to open is tried again */

static struct netif eth;
static struct nic_info nic;
static bool started;
static uint64_t retry_at; /* when ethif_retry tries again (0: never) */
static unsigned tries;    /* ethif_retry's */

static bool multicast(const uint8_t *frame)
{
	return frame[0] & 1; /* broadcast too */
}

/* lwIP's frame out: the pbuf chain copied into a buffer of the shared
 * frame, which the device reads. No buffer free: ERR_MEM, so TCP keeps
 * the segment and sends it again later. */
static err_t ethif_linkoutput(struct netif *n, struct pbuf *p)
{
	uint8_t *frame;

	if (p->tot_len > FRAME_MAX || !(frame = nic_tx_buffer())) {
		MIB2_STATS_NETIF_INC(n, ifoutdiscards);
		return p->tot_len > FRAME_MAX ? ERR_BUF : ERR_MEM;
	}
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	nic_tx_queue(frame, p->tot_len);
	MIB2_STATS_NETIF_ADD(n, ifoutoctets, p->tot_len);
	if (multicast(frame))
		MIB2_STATS_NETIF_INC(n, ifoutnucastpkts);
	else
		MIB2_STATS_NETIF_INC(n, ifoutucastpkts);
	return ERR_OK;
}

static err_t ethif_init(struct netif *n)
{
	n->name[0] = 'e';
	n->name[1] = 'n';
	n->mtu = nic.ni_mtu;
	n->hwaddr_len = NIC_MAC_LEN;
	memcpy(n->hwaddr, nic.ni_mac, NIC_MAC_LEN);
	n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
	n->output = etharp_output;
	n->linkoutput = ethif_linkoutput;
	MIB2_INIT_NETIF(n, snmp_ifType_ethernet_csmacd, 0);
	return ERR_OK;
}

/* A frame in: copied into a pbuf of the pool for ethernet_input (the
 * NIC's buffer goes back to the driver at once). */
static void ethif_input(void *arg, const void *frame, size_t len)
{
	struct netif *n = arg;
	struct pbuf *p;

	if (len > FRAME_MAX || !(p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL))) {
		MIB2_STATS_NETIF_INC(n, ifindiscards); /* as a full NIC would */
		return;
	}
	pbuf_take(p, frame, (u16_t)len);
	MIB2_STATS_NETIF_ADD(n, ifinoctets, len);
	if (multicast(frame))
		MIB2_STATS_NETIF_INC(n, ifinnucastpkts);
	else
		MIB2_STATS_NETIF_INC(n, ifinucastpkts);
	if (n->input(p, n) != ERR_OK)
		pbuf_free(p);
}

/* DHCP's news: the address (or its loss) in the server's log. */
static void ethif_status(struct netif *n)
{
	char a[IP4ADDR_STRLEN_MAX], m[IP4ADDR_STRLEN_MAX], g[IP4ADDR_STRLEN_MAX], d[IP4ADDR_STRLEN_MAX];

	if (ip4_addr_isany(netif_ip4_addr(n)))
		return; /* up, before DHCP's answer */
	ip4addr_ntoa_r(netif_ip4_addr(n), a, sizeof(a));
	ip4addr_ntoa_r(netif_ip4_netmask(n), m, sizeof(m));
	ip4addr_ntoa_r(netif_ip4_gw(n), g, sizeof(g));
	ip4addr_ntoa_r(ip_2_ip4(dns_getserver(0)), d, sizeof(d));
	printf("net: en0 %s netmask %s gateway %s dns %s (DHCP)\n", a, m, g, d);
}

long ethif_start(void)
{
	long e = nic_open(&nic);

	/* No driver in the manifest, or no card: for good. Anything else (a
	 * driver restarting, one that could not set up the card yet) may
	 * pass: ethif_retry tries again. */
	if (e != E_OK) {
		retry_at = e == PE_NO_SERVICE || e == E_NOT_FOUND ? 0 : sys_clock_ms() + ETHIF_RETRY_MS;
		return e;
	}
	if (!netif_add(&eth, NULL, NULL, NULL, NULL, ethif_init, ethernet_input))
		return E_NO_MEMORY;
	eth.num = 0; /* en0: lwIP numbers interfaces of every kind together; we count each kind */
	netif_set_status_callback(&eth, ethif_status);
	netif_set_default(&eth);
	netif_set_up(&eth);
	dhcp_start(&eth);
	started = true;
	return E_OK;
}

uint64_t ethif_retry(uint64_t now)
{
	long e;

	if (started || !retry_at)
		return NET_WAIT_FOREVER;
	if (now < retry_at)
		return retry_at;
	tries++;
	if ((e = ethif_start()) == E_OK)
		printf("net: the NIC answered after %u more tries: en0 up\n", tries);
	else if (!retry_at)
		printf("net: still no NIC (%s): loopback (127.0.0.1) only, for good\n", proto_error_text(e));
	return retry_at ? retry_at : NET_WAIT_FOREVER;
}

void ethif_poll(void)
{
	if (started)
		nic_poll(ethif_input, &eth);
}

bool ethif_is(const struct netif *n)
{
	return started && n == &eth;
}
