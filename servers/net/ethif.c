/* lwIP's Ethernet interface (ethif.h): its output goes to nic_send, the
 * NIC's frames come in through ethif_poll, and lwIP's own ARP, DHCP and
 * Ethernet layers do the rest. */
#include "ethif.h"

#include <stdio.h>
#include <string.h>

#include <kestrel/error.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "netif/ethernet.h"

#include "nic.h"

#define FRAME_MAX 1518 /* an Ethernet frame with a VLAN tag, without its FCS */

static struct netif eth;
static struct nic_info nic;

/* lwIP's frame out: the pbuf chain made one buffer for the driver. */
static err_t ethif_linkoutput(struct netif *n, struct pbuf *p)
{
	static uint8_t frame[FRAME_MAX];

	(void)n;
	if (p->tot_len > sizeof(frame))
		return ERR_BUF;
	pbuf_copy_partial(p, frame, p->tot_len, 0);
	return nic_send(frame, p->tot_len) == E_OK ? ERR_OK : ERR_IF;
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
	return ERR_OK;
}

/* A frame in: copied into a pbuf of the pool for ethernet_input. */
static void ethif_input(void *arg, const void *frame, size_t len)
{
	struct netif *n = arg;
	struct pbuf *p;

	if (len > FRAME_MAX || !(p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL)))
		return; /* dropped, as a full NIC would */
	pbuf_take(p, frame, (u16_t)len);
	if (n->input(p, n) != ERR_OK)
		pbuf_free(p);
}

bool ethif_start(void)
{
	if (nic_open(&nic) != E_OK)
		return false;
	if (!netif_add(&eth, NULL, NULL, NULL, NULL, ethif_init, ethernet_input))
		return false;
	netif_set_default(&eth);
	netif_set_up(&eth);
	dhcp_start(&eth);
	return true;
}

void ethif_poll(void)
{
	if (netif_is_up(&eth))
		nic_poll(ethif_input, &eth);
}
