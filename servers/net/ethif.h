/* lwIP's Ethernet interface on the NIC client (nic.h): ARP, DHCP and the
 * default route, once a NIC is there. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct netif;

/* Opens the NIC and brings the interface up with DHCP: E_OK, or why there
 * is no NIC (nic_open's errors; the server then runs on the loopback
 * interface alone). */
long ethif_start(void);

/* After ethif_start failed for a reason that may pass, tries it again
 * once a second; returns the time (kernel ms) it wants to be called next
 * (NET_WAIT_FOREVER: never, up or failed for good). */
uint64_t ethif_retry(uint64_t now);

/* Gives lwIP the frames the NIC received and takes back the buffers it
 * sent; called on the driver's signal and from the server loop. */
void ethif_poll(void);

/* Whether n is this interface (the one on the NIC). */
bool ethif_is(const struct netif *n);
