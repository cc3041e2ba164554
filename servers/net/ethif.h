/* lwIP's Ethernet interface on the NIC client (nic.h): ARP, DHCP and the
 * default route, once a NIC is there. */
#pragma once

#include <stdbool.h>

/* Opens the NIC and brings the interface up with DHCP: false when there
 * is no NIC (the server then runs on the loopback interface alone). */
bool ethif_start(void);

/* Gives lwIP the frames the NIC received; called from the server loop. */
void ethif_poll(void);
