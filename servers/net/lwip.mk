# lwIP, the TCP/IP stack of the network server (docs/servers.md): Debian's
# lwip source tarball, fetched once by scripts/fetch-source.sh (checked
# against its pinned SHA-256) and unpacked into $(LWIP_DIR); its core
# (IPv4, ICMP, UDP, TCP, DHCP, DNS, ARP and Ethernet, the loopback
# interface) compiled into $(LWIP_LIB) with the flags of every C-library
# program, warnings as errors, and the port (servers/net/port/: the
# options, lwipopts.h; the platform, arch/cc.h; the clock, randomness and
# assertions, sys_arch.c), which goes into the library too. lwIP's own
# files need no -Wno-... flag with these options. Nothing of lwIP's is
# committed.
#
# Debian's patches of 2.2.1+dfsg1-1+deb13u1 change no code this core
# compiles (SNMP, IPv6 address formatting, the sockets and POSIX layers,
# doxygen comments), so the upstream tarball alone (apt's --tar-only) is
# what the package would build here.

LWIP_VERSION := 2.2.1
LWIP_TARBALL := $(BUILD)/sources/lwip_$(LWIP_VERSION)+dfsg1.orig.tar.xz
LWIP_DIR     := $(BUILD)/lwip
LWIP_SRC     := $(LWIP_DIR)/lwip-$(LWIP_VERSION)/src
LWIP_STAMP   := $(LWIP_DIR)/stamp
LWIP_LIB     := $(LWIP_DIR)/liblwip.a
LWIP_CFLAGS  := $(LIBC_CFLAGS) -Iservers/net/port -I$(LWIP_SRC)/include

# lwIP's COREFILES, CORE4FILES and the Ethernet layer (src/Filelists.mk);
# files of features lwipopts.h turns off compile to nothing.
LWIP_FILES := \
	core/init.c core/def.c core/dns.c core/inet_chksum.c core/ip.c core/mem.c core/memp.c \
	core/netif.c core/pbuf.c core/raw.c core/stats.c core/sys.c core/tcp.c core/tcp_in.c \
	core/tcp_out.c core/timeouts.c core/udp.c \
	core/ipv4/acd.c core/ipv4/autoip.c core/ipv4/dhcp.c core/ipv4/etharp.c core/ipv4/icmp.c \
	core/ipv4/igmp.c core/ipv4/ip4_frag.c core/ipv4/ip4.c core/ipv4/ip4_addr.c \
	netif/ethernet.c api/err.c
LWIP_PORT_SRCS := servers/net/port/sys_arch.c
LWIP_OBJS := $(LWIP_FILES:%.c=$(LWIP_DIR)/obj/%.o) $(LWIP_PORT_SRCS:%.c=$(LWIP_DIR)/%.o)

user: $(LWIP_LIB)

$(LWIP_TARBALL): | $(BUILD)/.deps
	scripts/fetch-source.sh lwip >/dev/null

# A new tarball unpacks afresh; its files keep the tarball's times, so
# the stamp is what the objects are newer than.
$(LWIP_STAMP): $(LWIP_TARBALL)
	rm -rf $(LWIP_DIR)/lwip-$(LWIP_VERSION)
	@mkdir -p $(LWIP_DIR)
	tar -xJf $< -C $(LWIP_DIR) --no-same-owner
	touch $@

$(LWIP_DIR)/obj/%.o: $(LWIP_STAMP) $(PICOLIBC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CFLAGS) -c -o $@ $(LWIP_SRC)/$*.c

$(LWIP_DIR)/servers/net/port/%.o: servers/net/port/%.c $(LWIP_STAMP) $(PICOLIBC_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(LWIP_CFLAGS) -c -o $@ $<

$(LWIP_LIB): $(LWIP_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# The network server (servers/build.mk links it with $(LWIP_LIB)): its own
# files see lwIP's headers and the port's.
NET_SRCS := servers/net/main.c servers/net/net_srv.c servers/net/sock.c servers/net/table.c \
	servers/net/ethif.c servers/net/nic.c servers/net/lookup.c servers/net/netinfo.c
$(BUILD)/libc/servers/net/%.o: LIBC_CFLAGS += -Iservers/net/port -I$(LWIP_SRC)/include
$(NET_SRCS:%.c=$(BUILD)/libc/%.o): $(LWIP_STAMP)
