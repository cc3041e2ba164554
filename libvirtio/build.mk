# libvirtio/: the virtio-pci 1.x transport (virtio.c) and the split
# virtqueue (virtq.c) that every virtio driver shares. A driver lists
# $(LIBVIRTIO_SRCS) among its sources (SERVER, servers/build.mk) and
# includes "virtio.h" and "virtq.h".
LIBVIRTIO_SRCS := libvirtio/virtio.c libvirtio/virtq.c
LIBC_CFLAGS += -Ilibvirtio
