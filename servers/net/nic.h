/* The network server's side of a NIC driver: the client of the NIC
 * protocol (include/kestrel/proto/nic.h), in nic.c alone. ethif.c is the
 * lwIP interface on top of it and knows nothing of the protocol: it gets
 * the frames that came in from nic_poll, and puts those to send straight
 * into the shared buffers (nic_tx_buffer, nic_tx_queue). Everything here
 * runs in the server's one thread. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define NIC_MAC_LEN 6

/* The badge bit of the driver's signals on the server's endpoint (bits
 * 32 and up: the supervisor's client badges are small numbers). */
#define NIC_NOTIFY_BADGE (1ULL << 40)

struct nic_info {
	uint8_t ni_mac[NIC_MAC_LEN];
	uint16_t ni_mtu; /* bytes of an IP packet (Ethernet: 1500) */
};

/* Finds the driver (`uses nic` in the manifest block), learns the card's
 * address and attaches the shared frame (`dma`): E_OK, or an error
 * (PE_NO_SERVICE: no driver in the manifest; E_NOT_FOUND: the driver
 * found no card). It may be called again after an error. */
long nic_open(struct nic_info *info);

/* A free buffer of NIC_BUF_SIZE bytes to build a frame in, or NULL when
 * every one is with the driver. */
uint8_t *nic_tx_buffer(void);

/* Puts the frame of len bytes in buf (from nic_tx_buffer) on the tx ring,
 * padded to the 60 bytes of a minimal Ethernet frame. The driver hears of
 * it at nic_flush. */
void nic_tx_queue(uint8_t *buf, size_t len);

/* Signals the driver if frames or buffers were given to it since the last
 * call; the server loop's timer calls it before each receive. */
void nic_flush(void);

/* Hands each frame that arrived to fn (the buffer is the driver's again
 * when fn returns) and takes back the buffers the driver sent. */
void nic_poll(void (*fn)(void *arg, const void *frame, size_t len), void *arg);

/* Asks the driver, every NIC_CHECK_MS (sooner when the buffers ran out),
 * whether it still knows us: a restarted driver knows no client, so
 * everything it held is taken back and the frame attached again, with
 * lwIP and its connections left as they are. Returns the time (kernel
 * ms) it wants to be called next. */
uint64_t nic_check(uint64_t now);

/* The attachments made (1 + the driver's restarts seen); what ethif.c
 * counts of frames is in lwIP's interface counters. */
uint64_t nic_attaches(void);
