/* The virtio-pci 1.x transport (virtio 1.x, 4.1), shared by every virtio
 * driver (servers/virtio_blk, servers/virtio_net): a device's structures
 * found through its PCI vendor capabilities, feature negotiation, MSI-X,
 * and queues. What each device type adds (its requests, its configuration)
 * is its driver's. Constants are the specification's. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <kestrel/proto/pci.h>

#include "proto.h"
#include "virtq.h"

/* Device status bits. */
#define VIRTIO_S_ACKNOWLEDGE 1
#define VIRTIO_S_DRIVER      2
#define VIRTIO_S_DRIVER_OK   4
#define VIRTIO_S_FEATURES_OK 8
#define VIRTIO_S_FAILED      128

#define VIRTIO_F_VERSION_1 (1ULL << 32)

/* The vendor-specific PCI capability (cap id 9) that locates a structure. */
#define PCI_CAP_VENDOR        0x09
#define PCI_CAP_MSIX          0x11
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR    3
#define VIRTIO_PCI_CAP_DEVICE 4

struct virtio_pci_common {
	uint32_t device_feature_select;
	uint32_t device_feature;
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t msix_config;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t queue_size;
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint64_t queue_desc;
	uint64_t queue_driver;
	uint64_t queue_device;
};

#define VIRTIO_NO_VECTOR 0xFFFF

/* A device as the driver reaches it. */
struct virtio_pci {
	volatile uint8_t *vp_config; /* its PCI configuration page */
	volatile struct virtio_pci_common *vp_common;
	volatile uint8_t *vp_notify_base;
	uint32_t vp_notify_mult;
	volatile void *vp_device; /* the device type's configuration */
	volatile uint32_t *vp_msix_table;
	uint8_t vp_msix_cap;
	uint64_t vp_features; /* what was agreed */
};

/* Maps what the device's virtio capabilities name (asking the PCI server
 * for the BARs they live in) and its MSI-X table. config: the frame of its
 * configuration page from pci_claim. */
long virtio_pci_attach(struct virtio_pci *v, struct proto_client *pci, const struct pci_info_rep *info,
                       uint64_t config);

/* Resets the device: it lets go of every queue and buffer, and raises
 * nothing until started again. E_TIMEOUT if it never says it is done.
 * Once it is done, the supervisor lets go of the frames it kept for our
 * earlier instances (sup_dma_reset). */
long virtio_pci_reset(struct virtio_pci *v);

/* Whether a driver's setup that failed with e failed for good: no device
 * (E_NOT_FOUND), none named in its manifest block (PE_NO_SERVICE), or one
 * that is not a virtio 1.x device with MSI-X or refuses our features
 * (PE_BAD_REQUEST). Any other error (a PCI server or supervisor call cut
 * off by a restart, memory short) may pass: the driver should end and be
 * started again rather than stay up unable to drive its device. */
bool virtio_setup_lasting(long e);

/* Resets the device and agrees on VERSION_1 and those of wanted it
 * offers. */
long virtio_pci_start(struct virtio_pci *v, uint64_t wanted);

/* Copies len bytes from offset off of the device type's configuration,
 * again while the device changes it meanwhile (its config_generation). */
void virtio_pci_config_read(struct virtio_pci *v, unsigned off, void *dst, unsigned len);

/* pages of physically contiguous DMA memory from our pool, mapped, with
 * their physical address in *pa; NULL when there is none (the manifest
 * block needs a dma line). The supervisor keeps a copy of the frame
 * (sup_dma_keep): if we die, the device may go on using it until our
 * next instance resets it, and it must not be anybody else's meanwhile. */
void *virtio_dma_alloc(uint64_t pages, uint64_t *pa);

/* The same for a client's frame we point the device at (sup_dma_keep),
 * and its end once the device no longer can use it (sup_dma_drop, by its
 * physical address). */
long virtio_dma_keep(uint64_t frame);
void virtio_dma_drop(uint64_t pa);

/* Points MSI-X entry 0 at the MSI address and data, and enables MSI-X;
 * configuration changes raise nothing. */
long virtio_pci_msix(struct virtio_pci *v, uint64_t address, uint64_t data);

/* The most entries queue n may have (0: no such queue). */
uint16_t virtio_pci_queue_size(struct virtio_pci *v, uint16_t n);

/* Gives queue n the rings of q, raising MSI-X entry vector when it uses
 * buffers, and enables it; *notify is where to write n to tell it of new
 * buffers. */
long virtio_pci_queue(struct virtio_pci *v, uint16_t n, struct virtq *q, uint16_t vector,
                      volatile uint16_t **notify);

/* DRIVER_OK: the device may use the queues now. */
void virtio_pci_ready(struct virtio_pci *v);
