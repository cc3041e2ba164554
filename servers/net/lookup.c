/* Names and echoes (lookup.h): lwIP's DNS resolver and ICMP echo
 * requests on a raw pcb. A slot keeps a call's request while its answer
 * is out; the callbacks only fill the slot in.
 *
 * lwIP cannot take back a DNS query, so a slot freed before its answer
 * (the call timed out, or its caller died) may still hear of it later:
 * the callback's argument carries the slot's serial number, and an
 * answer for an older use of the slot is dropped. Echo replies are
 * matched by their id, a serial number given to each request, and their
 * sequence number. The round trip is timed with the time-stamp counter,
 * in microseconds at its rate measured since the server started. */
#include "lookup.h"

#include <errno.h>
#include <string.h>

#include "lwip/dns.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/icmp.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"

#include "sock.h"
#include "syscalls.h"
#include "tscrate.h"

#define PING_WAIT_MAX 60000 /* ms */

enum lookup_kind { LOOKUP_FREE, LOOKUP_DNS, LOOKUP_PING };

struct lookup {
	uint8_t lk_kind;    /* enum lookup_kind */
	bool lk_done;       /* the answer came: lk_error and the rest hold it */
	uint16_t lk_serial; /* of this use of the slot */
	long lk_error;
	uint32_t lk_addr; /* DNS: the answer; ping: the target */
	uint16_t lk_id;   /* ping: the echo's id and sequence number */
	uint16_t lk_seq;
	uint64_t lk_sent;    /* ping: the time-stamp counter at sending */
	uint64_t lk_rtt_tsc; /* ping: the round trip */
	uint8_t lk_ttl;
};

static struct lookup slots[LOOKUP_MAX];
static uint16_t serial;
static struct raw_pcb *icmp;
static struct tsc_rate tsc_rate; /* from the server's start: ping's round trips in microseconds */

static void *cookie(unsigned slot)
{
	return (void *)(uintptr_t)((uint32_t)slots[slot].lk_serial << 8 | slot);
}

/* The slot a callback's cookie names, if still the same use; or NULL. */
static struct lookup *from_cookie(void *arg)
{
	uintptr_t c = (uintptr_t)arg;
	struct lookup *l = &slots[c & 0xFF];

	return (c & 0xFF) < LOOKUP_MAX && l->lk_kind == LOOKUP_DNS && l->lk_serial == (uint16_t)(c >> 8)
	               ? l
	               : NULL;
}

static long slot_take(enum lookup_kind kind, unsigned *slot)
{
	for (unsigned i = 0; i < LOOKUP_MAX; i++)
		if (slots[i].lk_kind == LOOKUP_FREE) {
			slots[i] = (struct lookup){ .lk_kind = (uint8_t)kind, .lk_serial = ++serial };
			*slot = i;
			return 0;
		}
	return NET_ERROR(EAGAIN);
}

static void dns_found(const char *name, const ip_addr_t *ip, void *arg)
{
	struct lookup *l = from_cookie(arg);

	(void)name;
	if (!l)
		return; /* its call went away meanwhile */
	l->lk_done = true;
	l->lk_error = ip ? 0 : NET_ERROR(ENOENT);
	l->lk_addr = ip ? ip4_addr_get_u32(ip_2_ip4(ip)) : 0;
	sock_changed_any = true;
}

long lookup_resolve(const char *name, uint32_t *addr, unsigned *slot)
{
	ip_addr_t ip;
	err_t err;
	long e;

	if (!memchr(name, 0, NET_NAME_MAX) || !*name || strlen(name) >= DNS_MAX_NAME_LENGTH)
		return NET_ERROR(EINVAL);
	if (ip_addr_isany_val(*dns_getserver(0)))
		return NET_ERROR(ENETDOWN);
	if ((e = slot_take(LOOKUP_DNS, slot)) != 0)
		return e;
	err = dns_gethostbyname(name, &ip, dns_found, cookie(*slot));
	if (err == ERR_OK) { /* a number, or in lwIP's cache */
		slots[*slot].lk_kind = LOOKUP_FREE;
		*addr = ip4_addr_get_u32(ip_2_ip4(&ip));
		return 0;
	}
	if (err != ERR_INPROGRESS) {
		slots[*slot].lk_kind = LOOKUP_FREE;
		return err == ERR_ARG ? NET_ERROR(EINVAL) : NET_ERROR(EAGAIN);
	}
	return SOCK_WOULD_BLOCK; /* dns_found may have run already: lk_done */
}

/* An echo reply for one of our requests is taken; every other ICMP
 * message goes on to lwIP (which answers echo requests). */
static u8_t icmp_recv(void *arg, struct raw_pcb *pcb, struct pbuf *p, const ip_addr_t *from)
{
	const struct ip_hdr *iph = p->payload;
	struct icmp_echo_hdr echo;
	uint16_t hlen;

	(void)arg;
	(void)pcb;
	if (p->len < sizeof(*iph) || (hlen = IPH_HL_BYTES(iph)) < sizeof(*iph) ||
	    pbuf_copy_partial(p, &echo, sizeof(echo), hlen) != sizeof(echo) || echo.type != ICMP_ER)
		return 0;
	for (unsigned i = 0; i < LOOKUP_MAX; i++) {
		struct lookup *l = &slots[i];

		if (l->lk_kind == LOOKUP_PING && !l->lk_done && lwip_ntohs(echo.id) == l->lk_id &&
		    lwip_ntohs(echo.seqno) == l->lk_seq && ip4_addr_get_u32(ip_2_ip4(from)) == l->lk_addr) {
			l->lk_rtt_tsc = sys_clock_tsc() - l->lk_sent;
			l->lk_ttl = IPH_TTL(iph);
			l->lk_done = true;
			sock_changed_any = true;
			pbuf_free(p);
			return 1;
		}
	}
	return 0;
}

void lookup_init(void)
{
	tsc_rate_start(&tsc_rate);
	icmp = raw_new(IP_PROTO_ICMP);
	if (icmp)
		raw_recv(icmp, icmp_recv, NULL);
}

long lookup_ping(const struct net_ping_req *q, unsigned *slot)
{
	struct icmp_echo_hdr *echo;
	struct lookup *l;
	struct pbuf *p;
	ip_addr_t to;
	err_t err;
	long e;

	if (q->size > NET_PING_MAX || q->wait_ms > PING_WAIT_MAX || !q->addr)
		return NET_ERROR(EINVAL);
	if (!icmp)
		return NET_ERROR(ENOBUFS);
	if (!(p = pbuf_alloc(PBUF_IP, (u16_t)(sizeof(*echo) + q->size), PBUF_RAM)))
		return NET_ERROR(ENOBUFS);
	if ((e = slot_take(LOOKUP_PING, slot)) != 0) {
		pbuf_free(p);
		return e;
	}
	l = &slots[*slot];
	l->lk_addr = q->addr;
	l->lk_id = serial;
	l->lk_seq = q->seq;
	echo = p->payload;
	echo->type = ICMP_ECHO;
	echo->code = 0;
	echo->chksum = 0;
	echo->id = lwip_htons(l->lk_id);
	echo->seqno = lwip_htons(l->lk_seq);
	for (unsigned i = 0; i < q->size; i++)
		((uint8_t *)(echo + 1))[i] = (uint8_t)(i + 0x10);
	echo->chksum = inet_chksum(echo, p->len);
	ip_addr_set_ip4_u32(&to, q->addr);
	l->lk_sent = sys_clock_tsc();
	err = raw_sendto(icmp, p, &to);
	pbuf_free(p);
	if (err != ERR_OK) {
		l->lk_kind = LOOKUP_FREE;
		return err == ERR_RTE ? NET_ERROR(EHOSTUNREACH) : NET_ERROR(ENOBUFS);
	}
	return SOCK_WOULD_BLOCK;
}

bool lookup_done(unsigned slot)
{
	return slot < LOOKUP_MAX && slots[slot].lk_done;
}

bool lookup_busy(unsigned slot)
{
	return slot < LOOKUP_MAX && slots[slot].lk_kind != LOOKUP_FREE;
}

long lookup_answer(unsigned slot, void *rep, bool expired)
{
	struct lookup *l = &slots[slot];
	long e;

	if (slot >= LOOKUP_MAX || l->lk_kind == LOOKUP_FREE)
		return NET_ERROR(EINVAL);
	if (!l->lk_done && !expired)
		return SOCK_WOULD_BLOCK;
	if (!l->lk_done)
		e = l->lk_kind == LOOKUP_PING ? NET_ERROR(ETIMEDOUT) : NET_ERROR(EAGAIN);
	else if ((e = l->lk_error) == 0 && l->lk_kind == LOOKUP_DNS)
		*(struct net_resolve_rep *)rep = (struct net_resolve_rep){ .addr = l->lk_addr };
	else if (e == 0)
		*(struct net_ping_rep *)rep =
		        (struct net_ping_rep){ tsc_to_ns(l->lk_rtt_tsc, tsc_rate_per_ms(&tsc_rate)) / 1000,
			                       l->lk_ttl };
	l->lk_kind = LOOKUP_FREE;
	return e;
}

void lookup_cancel(unsigned slot)
{
	if (slot < LOOKUP_MAX)
		slots[slot].lk_kind = LOOKUP_FREE;
}
