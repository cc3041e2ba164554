/* State that survives a restart: a record kept in the vault pages the
 * manifest's `vault N` line gives a server (server_vault() finds them).
 * The supervisor keeps those pages and maps them into each new instance,
 * so what the last instance saved is there when the next one starts.
 *
 * Theory of operation. The instance may die at any instruction, also in
 * the middle of an update, so the record is kept twice: the vault is cut
 * in two halves, each a copy with a header (magic, the caller's format
 * version, length, a sequence number and a checksum over header and
 * data). vault_save writes the older half, the data first and the header
 * last, so the newer half is never touched: a crash during a save leaves
 * the half being written with a checksum that does not match, and
 * vault_load takes the valid half with the higher sequence number: the
 * last record saved whole. A record of another version or length (a new
 * binary with a new layout) is not loaded: the caller starts afresh.
 *
 *   struct vault v;
 *   size_t bytes;
 *   void *base = server_vault(&bytes);
 *
 *   if (base && vault_open(&v, base, bytes) == E_OK &&
 *       vault_load(&v, MY_VERSION, &state, sizeof(state)) == E_OK)
 *           ... state is what the last instance saved ...
 *   ... change state ...
 *   vault_save(&v, MY_VERSION, &state, sizeof(state));
 *
 * No hardware or IPC here: the host tests link it as it is. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define VAULT_MAGIC 0x3130435256544B56ULL /* "VKTVRC01" */

/* The header of each half; the data follows it. */
struct vault_hdr {
	uint64_t vh_magic;
	uint32_t vh_version; /* the caller's format */
	uint32_t vh_len;     /* bytes of data */
	uint64_t vh_seq;     /* 1 for the first save, +1 for each */
	uint64_t vh_sum;     /* FNV-1a of the header (this field 0) and the data */
};

/* One server's view of its vault; v_seq is the newest valid half's. */
struct vault {
	unsigned char *v_base;
	size_t v_half; /* bytes in each half, header included */
	uint64_t v_seq;
};

/* Sets v up over bytes of vault memory at base (at least two headers'
 * worth). Returns E_OK or E_BAD_ARG. */
long vault_open(struct vault *v, void *base, size_t bytes);

/* The most data a record can hold in v. */
size_t vault_capacity(const struct vault *v);

/* Copies the newest whole record into data. Returns E_OK; E_NOT_FOUND if
 * there is none of this version and length (a fresh vault, one torn
 * beyond repair, or another format); E_BAD_LENGTH if len does not fit. */
long vault_load(struct vault *v, uint32_t version, void *data, size_t len);

/* Saves data as the newest record, over the older half. Returns E_OK or
 * E_BAD_LENGTH. */
long vault_save(struct vault *v, uint32_t version, const void *data, size_t len);
