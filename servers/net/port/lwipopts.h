/* lwIP's options for the network server (servers/net/): NO_SYS=1, the raw
 * API only, one thread. Everything lwIP allocates comes from the static
 * pools sized here, so a flood of connections or data is refused by lwIP
 * (ERR_MEM), never by the server running out of memory. Options not set
 * here keep lwIP's defaults (src/include/lwip/opt.h of the tarball). */
#pragma once

#include <stdint.h>

/* One thread, no operating-system layer: the server loop calls lwIP. */
#define NO_SYS                     1
#define LWIP_SOCKET                0
#define LWIP_NETCONN               0
#define SYS_LIGHTWEIGHT_PROT       0
#define LWIP_TIMERS                1
#define LWIP_NETIF_LOOPBACK        1 /* 127.0.0.1; with NO_SYS, netif_poll_all() delivers */
#define LWIP_HAVE_LOOPIF           1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK   1

/* The protocols: IPv4 with ARP on Ethernet, ICMP, UDP, TCP, DHCP, DNS. */
#define LWIP_IPV4                1
#define LWIP_IPV6                0
#define LWIP_ARP                 1
#define LWIP_ETHERNET            1
#define LWIP_ICMP                1
#define LWIP_RAW                 1 /* ICMP echo for the ping call (ping.c) */
#define LWIP_UDP                 1
#define LWIP_TCP                 1
#define LWIP_DHCP                1
#define LWIP_DNS                 1
/* No address conflict probes before taking DHCP's address: they hold it
 * back by seconds, and QEMU's network has nobody else to conflict with. */
#define LWIP_DHCP_DOES_ACD_CHECK 0
#define LWIP_IGMP                0
#define LWIP_AUTOIP              0
#define SO_REUSE                 1 /* SO_REUSEADDR */
#define LWIP_TCP_KEEPALIVE       1
#define TCP_LISTEN_BACKLOG       1

/* Memory: the heap for outgoing and loopback pbufs, and the pools. */
#define MEM_ALIGNMENT           8
#define MEM_SIZE                (512 * 1024)
#define MEMP_NUM_PBUF           64
#define MEMP_NUM_UDP_PCB        40
#define MEMP_NUM_TCP_PCB        80
#define MEMP_NUM_TCP_PCB_LISTEN 24
#define MEMP_NUM_TCP_SEG        512
#define MEMP_NUM_REASSDATA      8
#define MEMP_NUM_ARP_QUEUE      16
#define PBUF_POOL_SIZE          128
#define PBUF_POOL_BUFSIZE       1536

/* TCP: a full Ethernet segment, 8 of them in flight each way. */
#define TCP_MSS          1460
#define TCP_WND          (8 * TCP_MSS)
#define TCP_SND_BUF      (8 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ  1

#define LWIP_NETIF_HOSTNAME 1
#define DNS_MAX_SERVERS     2

/* Checks: lwIP's assertions and its debug layer are on (all message
 * classes off), and the pools check every free against their free list,
 * so a pcb freed twice (the tcp_err path of docs/servers.md) stops the
 * server with an assertion in its log instead of corrupting memory. */
#define LWIP_DEBUG          1
#define MEMP_SANITY_CHECK   1
#define MEMP_OVERFLOW_CHECK 1
#define MEM_SANITY_CHECK    1
#define MEM_OVERFLOW_CHECK  1
/* Statistics: only the interfaces' counters (ifconfig's packets, bytes
 * and drops), which need LWIP_STATS. */
#define LWIP_STATS          1
#define MIB2_STATS          1
#define LINK_STATS          0
#define ETHARP_STATS        0
#define IP_STATS            0
#define IPFRAG_STATS        0
#define ICMP_STATS          0
#define UDP_STATS           0
#define TCP_STATS           0
#define MEM_STATS           0
#define MEMP_STATS          0
#define SYS_STATS           0
#define LWIP_STATS_DISPLAY  0

/* Randomness and initial sequence numbers (port/sys_arch.c). */
uint32_t net_rand(void);
uint32_t net_tcp_isn(const void *local_ip, uint16_t local_port, const void *remote_ip, uint16_t remote_port);
#define LWIP_RAND() net_rand()
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
	net_tcp_isn((local_ip), (local_port), (remote_ip), (remote_port))
