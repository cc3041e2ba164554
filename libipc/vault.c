/* Versioned, checksummed records in a server's vault (see vault.h). */
#include "vault.h"

#include <kestrel/error.h>

#include "fnv.h"

static uint64_t checksum(const struct vault_hdr *h, const void *data)
{
	struct vault_hdr copy = *h;

	copy.vh_sum = 0;
	return fnv1a(fnv1a(FNV1A_INIT, &copy, sizeof(copy)), data, h->vh_len);
}

static struct vault_hdr *half(const struct vault *v, unsigned i)
{
	return (struct vault_hdr *)(v->v_base + i * v->v_half);
}

/* Whether half i holds a whole record (of any version). */
static int whole(const struct vault *v, unsigned i)
{
	const struct vault_hdr *h = half(v, i);

	return h->vh_magic == VAULT_MAGIC && h->vh_len <= vault_capacity(v) && h->vh_seq != 0 &&
	       h->vh_sum == checksum(h, h + 1);
}

/* The half with the newest whole record, or -1. */
static int newest(const struct vault *v)
{
	int best = -1;

	for (unsigned i = 0; i < 2; i++)
		if (whole(v, i) && (best < 0 || half(v, i)->vh_seq > half(v, (unsigned)best)->vh_seq))
			best = (int)i;
	return best;
}

long vault_open(struct vault *v, void *base, size_t bytes)
{
	int n;

	if (!base || bytes / 2 < sizeof(struct vault_hdr) + 8)
		return E_BAD_ARG;
	v->v_base = base;
	v->v_half = bytes / 2 & ~(size_t)7;
	n = newest(v);
	v->v_seq = n < 0 ? 0 : half(v, (unsigned)n)->vh_seq;
	return E_OK;
}

size_t vault_capacity(const struct vault *v)
{
	return v->v_half - sizeof(struct vault_hdr);
}

long vault_load(struct vault *v, uint32_t version, void *data, size_t len)
{
	const struct vault_hdr *h;
	int n = newest(v);

	if (len > vault_capacity(v))
		return E_BAD_LENGTH;
	if (n < 0)
		return E_NOT_FOUND;
	h = half(v, (unsigned)n);
	if (h->vh_version != version || h->vh_len != len)
		return E_NOT_FOUND;
	for (size_t i = 0; i < len; i++)
		((unsigned char *)data)[i] = ((const unsigned char *)(h + 1))[i];
	return E_OK;
}

long vault_save(struct vault *v, uint32_t version, const void *data, size_t len)
{
	int n = newest(v);
	struct vault_hdr *h = half(v, n == 0 ? 1 : 0), next;

	if (len > vault_capacity(v))
		return E_BAD_LENGTH;
	next = (struct vault_hdr){ VAULT_MAGIC, version, (uint32_t)len, v->v_seq + 1, 0 };
	next.vh_sum = checksum(&next, data);
	for (size_t i = 0; i < len; i++)
		((unsigned char *)(h + 1))[i] = ((const unsigned char *)data)[i];
	/* The data is in place before the header names it: the compiler may
	 * not move the header's stores above the data's. A crash between the
	 * two leaves the old header over new data, which its checksum
	 * refuses. */
	__asm__ volatile("" ::: "memory");
	*h = next;
	v->v_seq = next.vh_seq;
	return E_OK;
}
