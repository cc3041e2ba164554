/* The vault's versioned records (libipc/vault.c): a fresh vault holds
 * nothing, the newest save is loaded, a save torn at any byte leaves the
 * record before it, a damaged copy is refused by its checksum, another
 * version or length starts afresh, and a reopened vault (a restart) goes
 * on from the newest record. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <kestrel/error.h>

#include "../../libipc/vault.h"

#define PAGE 4096

struct state {
	uint64_t count;
	char text[40];
};

static unsigned char mem[PAGE] __attribute__((aligned(8)));

static struct state make(uint64_t count, const char *text)
{
	struct state s;

	memset(&s, 0, sizeof(s));
	s.count = count;
	strncpy(s.text, text, sizeof(s.text) - 1);
	return s;
}

static void fresh_vault_holds_nothing(void **state)
{
	struct vault v;
	struct state s;

	(void)state;
	memset(mem, 0, sizeof(mem));
	assert_int_equal(vault_open(&v, mem, sizeof(mem)), E_OK);
	assert_int_equal(vault_capacity(&v), PAGE / 2 - sizeof(struct vault_hdr));
	assert_int_equal(vault_load(&v, 1, &s, sizeof(s)), E_NOT_FOUND);
	memset(mem, 0xA5, sizeof(mem)); /* garbage is no record either */
	assert_int_equal(vault_open(&v, mem, sizeof(mem)), E_OK);
	assert_int_equal(vault_load(&v, 1, &s, sizeof(s)), E_NOT_FOUND);
}

static void newest_save_is_loaded(void **state)
{
	struct vault v;
	struct state a = make(1, "one"), b = make(2, "two"), c = make(3, "three"), got;

	(void)state;
	memset(mem, 0, sizeof(mem));
	vault_open(&v, mem, sizeof(mem));
	assert_int_equal(vault_save(&v, 1, &a, sizeof(a)), E_OK);
	assert_int_equal(vault_load(&v, 1, &got, sizeof(got)), E_OK);
	assert_memory_equal(&got, &a, sizeof(a));
	vault_save(&v, 1, &b, sizeof(b));
	vault_save(&v, 1, &c, sizeof(c));
	assert_int_equal(vault_load(&v, 1, &got, sizeof(got)), E_OK);
	assert_int_equal(got.count, 3);
	assert_string_equal(got.text, "three");
	/* The two halves alternate: the one before is still whole. */
	assert_true(((struct vault_hdr *)mem)->vh_seq + ((struct vault_hdr *)(mem + PAGE / 2))->vh_seq == 5);
}

static void reopened_vault_goes_on_from_the_newest(void **state)
{
	struct vault v, again;
	struct state a = make(10, "ten"), b = make(11, "eleven"), c = make(12, "twelve"), got;

	(void)state;
	memset(mem, 0, sizeof(mem));
	vault_open(&v, mem, sizeof(mem));
	vault_save(&v, 1, &a, sizeof(a));
	vault_save(&v, 1, &b, sizeof(b));
	/* A new instance: its save must go over "ten", never over "eleven". */
	vault_open(&again, mem, sizeof(mem));
	assert_int_equal(again.v_seq, 2);
	vault_save(&again, 1, &c, sizeof(c));
	assert_int_equal(vault_load(&again, 1, &got, sizeof(got)), E_OK);
	assert_int_equal(got.count, 12);
	assert_string_equal((char *)(mem + PAGE / 2 + sizeof(struct vault_hdr) + 8), "eleven");
}

/* A save cut off after any number of its stores, in the order vault_save
 * makes them (the data, then the header), leaves either the record before
 * it or, only once the header is whole, the new one. */
static void save_torn_at_any_byte_keeps_the_old_record(void **state)
{
	static unsigned char before[PAGE], after[PAGE];
	struct vault v;
	struct state older = make(6, "older"), old = make(7, "old"), new = make(8, "new and longer"), got;
	size_t hdr = sizeof(struct vault_hdr), target, order[PAGE], n = 0;

	(void)state;
	memset(mem, 0, sizeof(mem));
	vault_open(&v, mem, sizeof(mem));
	vault_save(&v, 1, &older, sizeof(older));
	vault_save(&v, 1, &old, sizeof(old)); /* in the second half: the next save goes to the first */
	memcpy(before, mem, PAGE);
	vault_save(&v, 1, &new, sizeof(new));
	memcpy(after, mem, PAGE);
	target = 0;
	for (size_t i = 0; i < sizeof(new); i++)
		order[n++] = target + hdr + i;
	for (size_t i = 0; i < hdr; i++)
		order[n++] = target + i;
	for (size_t cut = 0; cut <= n; cut++) {
		struct vault r;
		long e;

		memcpy(mem, before, PAGE);
		for (size_t k = 0; k < cut; k++)
			mem[order[k]] = after[order[k]];
		vault_open(&r, mem, sizeof(mem));
		e = vault_load(&r, 1, &got, sizeof(got));
		assert_int_equal(e, E_OK);
		if (cut == n) {
			assert_int_equal(got.count, 8);
		} else if (got.count != 7) {
			/* Only a header whose every changed byte is in: the
			 * untouched bytes were the same before and after. */
			for (size_t k = cut; k < n; k++)
				assert_int_equal(before[order[k]], after[order[k]]);
			assert_int_equal(got.count, 8);
		}
	}
}

static void damaged_copy_is_refused_by_its_checksum(void **state)
{
	struct vault v;
	struct state a = make(1, "a"), b = make(2, "b"), got;
	size_t newest_data = sizeof(struct vault_hdr); /* b went to the first half */

	(void)state;
	memset(mem, 0, sizeof(mem));
	vault_open(&v, mem, sizeof(mem));
	vault_save(&v, 1, &a, sizeof(a)); /* first half */
	vault_save(&v, 1, &a, sizeof(a)); /* second half */
	vault_save(&v, 1, &b, sizeof(b)); /* first half again */
	mem[newest_data + 9] ^= 0x10;     /* one bit of b's text */
	vault_open(&v, mem, sizeof(mem));
	assert_int_equal(vault_load(&v, 1, &got, sizeof(got)), E_OK);
	assert_int_equal(got.count, 1);
	mem[PAGE / 2 + sizeof(struct vault_hdr)] ^= 1; /* and a's count */
	vault_open(&v, mem, sizeof(mem));
	assert_int_equal(vault_load(&v, 1, &got, sizeof(got)), E_NOT_FOUND);
	/* A save still works, into either half, and is loaded. */
	assert_int_equal(vault_save(&v, 1, &b, sizeof(b)), E_OK);
	assert_int_equal(vault_load(&v, 1, &got, sizeof(got)), E_OK);
	assert_int_equal(got.count, 2);
}

static void other_version_or_length_starts_afresh(void **state)
{
	struct vault v;
	struct state a = make(5, "five"), got;

	(void)state;
	memset(mem, 0, sizeof(mem));
	vault_open(&v, mem, sizeof(mem));
	vault_save(&v, 1, &a, sizeof(a));
	assert_int_equal(vault_load(&v, 2, &got, sizeof(got)), E_NOT_FOUND);
	assert_int_equal(vault_load(&v, 1, &got, sizeof(got) - 8), E_NOT_FOUND);
	assert_int_equal(vault_load(&v, 1, &got, sizeof(got)), E_OK);
}

static void too_small_or_too_long_is_refused(void **state)
{
	struct vault v;
	static unsigned char big[PAGE];

	(void)state;
	assert_int_equal(vault_open(&v, mem, 2 * sizeof(struct vault_hdr)), E_BAD_ARG);
	assert_int_equal(vault_open(&v, NULL, PAGE), E_BAD_ARG);
	assert_int_equal(vault_open(&v, mem, sizeof(mem)), E_OK);
	assert_int_equal(vault_save(&v, 1, big, vault_capacity(&v) + 1), E_BAD_LENGTH);
	assert_int_equal(vault_load(&v, 1, big, vault_capacity(&v) + 1), E_BAD_LENGTH);
	assert_int_equal(vault_save(&v, 1, big, vault_capacity(&v)), E_OK);
	assert_int_equal(vault_load(&v, 1, big, vault_capacity(&v)), E_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fresh_vault_holds_nothing),
		cmocka_unit_test(newest_save_is_loaded),
		cmocka_unit_test(reopened_vault_goes_on_from_the_newest),
		cmocka_unit_test(save_torn_at_any_byte_keeps_the_old_record),
		cmocka_unit_test(damaged_copy_is_refused_by_its_checksum),
		cmocka_unit_test(other_version_or_length_starts_afresh),
		cmocka_unit_test(too_small_or_too_long_is_refused),
	};

	return cmocka_run_group_tests_name("vault", tests, NULL, NULL);
}
