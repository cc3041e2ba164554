/* The network server's side of a NIC driver: the seam where the NIC
 * protocol (virtio-net's driver, written apart) plugs in. ethif.c is the
 * lwIP interface on top of it and knows nothing of the driver; this file
 * alone will speak the driver's protocol. Today it is a stub that finds
 * no NIC, and the server runs on the loopback interface alone. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define NIC_MAC_LEN 6

struct nic_info {
	uint8_t ni_mac[NIC_MAC_LEN];
	uint16_t ni_mtu; /* bytes of an IP packet (Ethernet: 1500) */
};

/* Finds the NIC and learns its address: E_OK, or an error (E_NOT_FOUND:
 * no NIC; the stub's answer). */
long nic_open(struct nic_info *info);

/* Sends one Ethernet frame (without its FCS): E_OK or an error. */
long nic_send(const void *frame, size_t len);

/* Hands each frame that arrived since the last call to fn; called from
 * the server loop. */
void nic_poll(void (*fn)(void *arg, const void *frame, size_t len), void *arg);
