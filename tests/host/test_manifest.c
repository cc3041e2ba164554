/* The supervisor's manifest parser and start order (servers/supervisor/
 * manifest.c): every key and default, every error with its line, and the
 * order providers start in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../servers/supervisor/manifest.h"

static struct manifest m;
static char err[128];

static unsigned parse(const char *text)
{
	memset(&m, 0xa5, sizeof(m)); /* so defaults must be written, not inherited */
	err[0] = '\0';
	return manifest_parse(text, strlen(text), &m, err, sizeof(err));
}

/* The text fails on line `line`, with a reason that mentions `why`. */
static void fails_at(const char *text, unsigned line, const char *why)
{
	unsigned got = parse(text);

	if (got != line || !strstr(err, why))
		print_error("input:\n%s\nwant line %u (\"%s\"), got line %u (\"%s\")\n", text, line, why, got,
		            err);
	assert_int_equal(got, line);
	assert_non_null(strstr(err, why));
}

static const struct manifest_server *find(const char *name)
{
	for (unsigned i = 0; i < m.m_count; i++)
		if (strcmp(m.m_servers[i].ms_name, name) == 0)
			return &m.m_servers[i];
	fail_msg("no server %s", name);
	return NULL;
}

static void full_manifest_sets_every_key(void **state)
{
	static const char text[] = "# Kestrel's servers\n"
	                           "\n"
	                           "server console\n"
	                           "\tbinary console.elf\t# the first one\n"
	                           "\tpriority 90\n"
	                           "\trestart always\n"
	                           "\tprovides console\n"
	                           "\tirq 4\n"
	                           "\tports 0x3f8 8\n"
	                           "\theartbeat 250\n"
	                           "   \t  \n"
	                           "server fs   # comment after a name\n"
	                           "    binary    boot/fs.elf\n"
	                           "    priority 1\n"
	                           "    restart backoff\n"
	                           "    limit 3\n"
	                           "    provides fs\n"
	                           "    uses console\n"
	                           "    uses disk\n"
	                           "    ports 96 0X10\n"
	                           "    heartbeat 0\n"
	                           "#server commented out\n"
	                           "server disk\n"
	                           "\tbinary disk.elf\n"
	                           "\tpriority 99\n"
	                           "\trestart never\n"
	                           "\tprovides disk\n"
	                           "\tuses console\n"
	                           "\tirq 23\n"
	                           "\tports 0 65536\n";
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.m_count, 3);
	assert_string_equal(m.m_servers[0].ms_name, "console");
	assert_string_equal(m.m_servers[1].ms_name, "fs");
	assert_string_equal(m.m_servers[2].ms_name, "disk");

	s = find("console");
	assert_string_equal(s->ms_binary, "console.elf");
	assert_int_equal(s->ms_priority, 90);
	assert_int_equal(s->ms_restart, RESTART_ALWAYS);
	assert_int_equal(s->ms_limit, 5);
	assert_string_equal(s->ms_provides, "console");
	assert_int_equal(s->ms_nuses, 0);
	assert_int_equal(s->ms_irq, 4);
	assert_int_equal(s->ms_port_first, 0x3f8);
	assert_int_equal(s->ms_port_count, 8);
	assert_int_equal(s->ms_heartbeat_ms, 250);

	s = find("fs");
	assert_string_equal(s->ms_binary, "boot/fs.elf");
	assert_int_equal(s->ms_priority, 1);
	assert_int_equal(s->ms_restart, RESTART_BACKOFF);
	assert_int_equal(s->ms_limit, 3);
	assert_string_equal(s->ms_provides, "fs");
	assert_int_equal(s->ms_nuses, 2);
	assert_string_equal(s->ms_uses[0], "console");
	assert_string_equal(s->ms_uses[1], "disk");
	assert_int_equal(s->ms_irq, -1);
	assert_int_equal(s->ms_port_first, 96);
	assert_int_equal(s->ms_port_count, 16);
	assert_int_equal(s->ms_heartbeat_ms, 0);

	s = find("disk");
	assert_string_equal(s->ms_binary, "disk.elf");
	assert_int_equal(s->ms_priority, 99);
	assert_int_equal(s->ms_restart, RESTART_NEVER);
	assert_int_equal(s->ms_nuses, 1);
	assert_string_equal(s->ms_uses[0], "console");
	assert_int_equal(s->ms_irq, 23);
	assert_int_equal(s->ms_port_first, 0);
	assert_int_equal(s->ms_port_count, 65536);
}

static void omitted_keys_take_defaults(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse("server hello\nbinary hello.elf\n"), 0);
	assert_int_equal(m.m_count, 1);
	s = &m.m_servers[0];
	assert_string_equal(s->ms_name, "hello");
	assert_string_equal(s->ms_binary, "hello.elf");
	assert_int_equal(s->ms_priority, 50);
	assert_int_equal(s->ms_restart, RESTART_BACKOFF);
	assert_int_equal(s->ms_limit, 5);
	assert_int_equal(s->ms_irq, -1);
	assert_int_equal(s->ms_heartbeat_ms, 0); /* nothing provided: nothing answers heartbeats */
	assert_int_equal(s->ms_nuses, 0);
	assert_string_equal(s->ms_provides, "");
	assert_int_equal(s->ms_port_count, 0);
	assert_false(s->ms_control);
	assert_true(s->ms_devmem_size == 0);
	assert_int_equal(parse("server hello\nbinary hello.elf\nprovides hello\n"), 0);
	assert_int_equal(m.m_servers[0].ms_heartbeat_ms, 1000);
}

static void heartbeat_is_only_for_servers_that_provide(void **state)
{
	(void)state;
	assert_int_equal(parse("server shell\nbinary shell.elf\nheartbeat 500\nuses hello\n"
	                       "server hello\nbinary hello.elf\nheartbeat 500\nprovides hello\n"),
	                 0);
	assert_int_equal(find("shell")->ms_heartbeat_ms, 0);
	assert_int_equal(find("hello")->ms_heartbeat_ms, 500);
}

static void empty_and_comment_only_input_has_no_servers(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(m.m_count, 0);
	assert_int_equal(parse("\n\n# nothing\n  \t\n"), 0);
	assert_int_equal(m.m_count, 0);
}

static void input_without_trailing_newline_parses_last_line(void **state)
{
	(void)state;
	assert_int_equal(parse("server a\nbinary a.elf\npriority 7"), 0);
	assert_int_equal(m.m_servers[0].ms_priority, 7);
	fails_at("server a\nbinary a.elf\npriority 0", 3, "out of range");
}

static void len_bounds_the_input(void **state)
{
	static const char text[] = "server a\nbinary a.elf\npriority 7 and garbage past len";

	(void)state;
	/* Cut in the middle of the third line: "priority 7". */
	assert_int_equal(
	        manifest_parse(text, strlen("server a\nbinary a.elf\npriority 7"), &m, err, sizeof(err)), 0);
	assert_int_equal(m.m_servers[0].ms_priority, 7);
}

static void crlf_line_ends_are_accepted(void **state)
{
	(void)state;
	assert_int_equal(parse("# crlf\r\n\r\nserver a\r\n\tbinary a.elf\r\n\tuses b\r\n\trestart never\r\n"
	                       "server b\r\n\tbinary b.elf\r\n\tprovides b\r\n\tports 0x60 1\r\n"),
	                 0);
	assert_int_equal(m.m_count, 2);
	assert_string_equal(m.m_servers[0].ms_name, "a");
	assert_string_equal(m.m_servers[0].ms_binary, "a.elf");
	assert_string_equal(m.m_servers[0].ms_uses[0], "b");
	assert_int_equal(m.m_servers[0].ms_restart, RESTART_NEVER);
	assert_string_equal(m.m_servers[1].ms_provides, "b");
	assert_int_equal(m.m_servers[1].ms_port_first, 0x60);
	assert_int_equal(m.m_servers[1].ms_port_count, 1);
	fails_at("server a\r\nbinary a.elf\r\nirq 24\r\n", 3, "out of range");
}

static void devmem_control_and_dma_give_rights(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse("server hpet\nbinary h.elf\ndevmem 0xfed00000 0x1000\ncontrol\n"
	                       "server big\nbinary b.elf\ndevmem 0xFFFFFFFFFF000 4096\ndma\n"),
	                 0);
	s = find("hpet");
	assert_true(s->ms_devmem_addr == 0xfed00000);
	assert_true(s->ms_devmem_size == 4096);
	assert_true(s->ms_control);
	assert_false(s->ms_dma);
	s = find("big");
	assert_true(s->ms_devmem_addr == 0xFFFFFFFFFF000ULL); /* the last page below 2^52 */
	assert_false(s->ms_control);
	assert_true(s->ms_dma);
	assert_int_equal(parse("server a\nbinary a.elf\n"), 0);
	assert_true(m.m_servers[0].ms_devmem_size == 0);
	assert_false(m.m_servers[0].ms_control);
	assert_false(m.m_servers[0].ms_dma);
}

static void bad_devmem_and_control_lines_fail(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\ndevmem 0xfed00001 4096\n", 3, "page-aligned");
	fails_at("server a\nbinary a.elf\ndevmem 0xfed00000 100\n", 3, "page-aligned");
	fails_at("server a\nbinary a.elf\ndevmem 0xfed00000 0\n", 3, "page-aligned");
	fails_at("server a\nbinary a.elf\ndevmem 0x10000000000000 4096\n", 3, "page-aligned");
	fails_at("server a\nbinary a.elf\ndevmem 0xFFFFFFFFFFFFF000 0x2000\n", 3, "page-aligned");
	fails_at("server a\nbinary a.elf\ndevmem 0x100000000000000000 4096\n", 3, "page-aligned");
	fails_at("server a\nbinary a.elf\ndevmem 0xfed00000\n", 3, "unknown key");
	fails_at("server a\nbinary a.elf\ndevmem 0xfed00000 4096\ndevmem 0xfee00000 4096\n", 4,
	         "one devmem line");
	fails_at("server a\nbinary a.elf\ncontrol yes\n", 3, "unknown key");
	fails_at("server a\nbinary a.elf\ndma 1\n", 3, "unknown key");
	fails_at("server a\nbinary a.elf\nhello\n", 3, "unknown key");
}

static void unknown_key_fails(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\ncolour blue\n", 3, "unknown key");
	fails_at("server a\nbinary a.elf\n\ncolour 3\n", 4, "unknown key");
	fails_at("server a\nbinary\n", 2, "unknown key");
}

static void bad_number_fails(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\npriority high\n", 3, "not a number");
	fails_at("server a\nbinary a.elf\npriority 5x\n", 3, "not a number");
	fails_at("server a\nbinary a.elf\npriority -1\n", 3, "not a number");
	fails_at("server a\nbinary a.elf\nirq 0x\n", 3, "not a number");
	fails_at("server a\nbinary a.elf\nirq 0xg\n", 3, "not a number");
	fails_at("server a\nbinary a.elf\nheartbeat 4294967296\n", 3, "not a number");
	fails_at("server a\nbinary a.elf\nlimit 0x100000000\n", 3, "not a number");
	fails_at("server a\nbinary a.elf\nports x3f8 8\n", 3, "ports");
	fails_at("server a\nbinary a.elf\nports 0x3f8 eight\n", 3, "ports");
	fails_at("server a\nbinary a.elf\nports 0x3f8\n", 3, "unknown key"); /* ports wants two numbers */
}

static void largest_numbers_are_accepted(void **state)
{
	(void)state;
	assert_int_equal(
	        parse("server a\nbinary a.elf\nprovides a\nheartbeat 4294967295\nlimit 0xFFFFFFFF\n"), 0);
	assert_int_equal(m.m_servers[0].ms_heartbeat_ms, 4294967295u);
	assert_int_equal(m.m_servers[0].ms_limit, 0xffffffffu);
}

static void number_out_of_range_fails(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\npriority 0\n", 3, "out of range");
	fails_at("server a\nbinary a.elf\npriority 100\n", 3, "out of range");
	fails_at("server a\nbinary a.elf\nirq 24\n", 3, "out of range");
	fails_at("server a\nbinary a.elf\nports 0x3f8 0\n", 3, "ports");
	fails_at("server a\nbinary a.elf\nports 65535 2\n", 3, "ports");
	fails_at("server a\nbinary a.elf\nports 65536 1\n", 3, "ports");
	fails_at("server a\nbinary a.elf\nports 0 65537\n", 3, "ports");
	/* The sum of these wraps to a small number in 32 bits. */
	fails_at("server a\nbinary a.elf\nports 0xffffffff 1\n", 3, "ports");
	fails_at("server a\nbinary a.elf\nports 0xfffffff0 0x20\n", 3, "ports");
	fails_at("server a\nbinary a.elf\nports 1 0xffffffff\n", 3, "ports");
	assert_int_equal(parse("server a\nbinary a.elf\nports 65535 1\n"), 0);
}

static void key_before_first_server_fails(void **state)
{
	(void)state;
	fails_at("# header\n\nbinary a.elf\nserver a\n", 3, "before the first server");
}

static void server_wants_exactly_one_name(void **state)
{
	(void)state;
	fails_at("server\nbinary a.elf\n", 1, "one name");
	fails_at("server a\nbinary a.elf\nserver b c\nbinary b.elf\n", 3, "one name");
	fails_at("server # no name, only a comment\n", 1, "one name");
}

static void duplicate_server_name_fails(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\nserver b\nbinary b.elf\nserver a\nbinary c.elf\n", 5,
	         "second server");
}

static void seventeenth_server_fails(void **state)
{
	char text[1024];
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i < MANIFEST_MAX_SERVERS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "server s%u\nbinary s%u.elf\n", i, i);
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.m_count, MANIFEST_MAX_SERVERS);
	assert_string_equal(m.m_servers[15].ms_name, "s15");
	snprintf(text + n, sizeof(text) - n, "server s16\nbinary s16.elf\n");
	fails_at(text, 2 * MANIFEST_MAX_SERVERS + 1, "at most 16");
}

static void fifth_uses_line_fails(void **state)
{
	static const char four[] = "server a\nbinary a.elf\nuses b\nuses c\nuses d\nuses e\n";
	char text[128];

	(void)state;
	assert_int_equal(parse(four), 0);
	assert_int_equal(m.m_servers[0].ms_nuses, MANIFEST_MAX_USES);
	assert_string_equal(m.m_servers[0].ms_uses[3], "e");
	snprintf(text, sizeof(text), "%suses f\n", four);
	fails_at(text, 7, "too many uses");
}

static void names_too_long_fail(void **state)
{
	(void)state;
	/* 23 characters fit in MANIFEST_NAME_LEN with the NUL; 24 do not. */
	assert_int_equal(
	        parse("server abcdefghijklmnopqrstuvw\nbinary a.elf\nprovides abcdefghijklmnopqrstuvw\n"
	              "uses abcdefghijklmnopqrstuvw\n"),
	        0);
	assert_string_equal(m.m_servers[0].ms_name, "abcdefghijklmnopqrstuvw");
	fails_at("server abcdefghijklmnopqrstuvwx\nbinary a.elf\n", 1, "too long");
	fails_at("server a\nbinary a.elf\nprovides abcdefghijklmnopqrstuvwx\n", 3, "too long");
	fails_at("server a\nbinary a.elf\nuses abcdefghijklmnopqrstuvwx\n", 3, "too long");
	/* A binary has twice the room: 47 fit, 48 do not. */
	assert_int_equal(parse("server a\nbinary abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu\n"), 0);
	assert_string_equal(m.m_servers[0].ms_binary, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstu");
	fails_at("server a\nbinary abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv\n", 2, "too long");
}

static void too_many_words_fail(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\nports 1 2 3\n", 3, "too many words");
	fails_at("server a\nbinary a.elf\nports 1 2 3 4 5 6\n", 3, "too many words");
	fails_at("server a b c d\n", 1, "too many words");
	/* Words after '#' are a comment, not words. */
	assert_int_equal(parse("server a\nbinary a.elf # one two three four\n"), 0);
	/* Three words where a key wants two. */
	fails_at("server a\nbinary a.elf extra\n", 2, "unknown key");
	fails_at("server a\nbinary a.elf\nuses b c\n", 3, "unknown key");
}

static void unknown_restart_value_fails(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\nrestart sometimes\n", 3, "always, backoff or never");
	fails_at("server a\nbinary a.elf\nrestart Always\n", 3, "always, backoff or never");
	fails_at("server a\nbinary a.elf\nrestart alway\n", 3, "always, backoff or never");
}

static void server_without_binary_fails_at_its_server_line(void **state)
{
	(void)state;
	fails_at("server a\n", 1, "without a binary");
	fails_at("server a\nbinary a.elf\n\nserver b\npriority 3\n\nserver c\nbinary c.elf\n\n", 4,
	         "without a binary");
	fails_at("server a\npriority 3\nserver b\nbinary b.elf", 1, "without a binary");
}

/* Where each server landed in order[]. */
static void positions(const unsigned *order, unsigned *pos)
{
	for (unsigned i = 0; i < m.m_count; i++)
		pos[i] = m.m_count;
	for (unsigned n = 0; n < m.m_count; n++) {
		assert_in_range(order[n], 0, m.m_count - 1);
		assert_int_equal(pos[order[n]], m.m_count); /* each index once */
		pos[order[n]] = n;
	}
}

static void order_puts_providers_before_users(void **state)
{
	/* Listed users first, so the order must differ from the listing. */
	static const char text[] = "server app\nbinary app.elf\nuses fs\nuses console\nuses net\n"
	                           "server fs\nbinary fs.elf\nprovides fs\nuses disk\nuses console\n"
	                           "server hello\nbinary hello.elf\nuses console\n"
	                           "server net\nbinary net.elf\nprovides net\nuses console\n"
	                           "server disk\nbinary disk.elf\nprovides disk\nuses console\n"
	                           "server console\nbinary console.elf\nprovides console\n"
	                           "server idle\nbinary idle.elf\n";
	unsigned order[MANIFEST_MAX_SERVERS], pos[MANIFEST_MAX_SERVERS];

	(void)state;
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.m_count, 7);
	memset(order, 0xff, sizeof(order));
	assert_int_equal(manifest_order(&m, order, err, sizeof(err)), 0);
	positions(order, pos);
	for (unsigned i = 0; i < m.m_count; i++)
		for (unsigned u = 0; u < m.m_servers[i].ms_nuses; u++)
			for (unsigned p = 0; p < m.m_count; p++)
				if (strcmp(m.m_servers[p].ms_provides, m.m_servers[i].ms_uses[u]) == 0)
					assert_true(pos[p] < pos[i]);
	/* Spelled out for this input: console first, app after fs and net. */
	assert_string_equal(m.m_servers[order[0]].ms_name, "console");
	assert_true(pos[4] < pos[1]); /* disk before fs */
	assert_true(pos[1] < pos[0]); /* fs before app */
}

static void order_of_no_servers_is_empty(void **state)
{
	unsigned order[MANIFEST_MAX_SERVERS];

	(void)state;
	assert_int_equal(parse("# none\n"), 0);
	assert_int_equal(manifest_order(&m, order, err, sizeof(err)), 0);
}

static void order_fails_naming_a_use_nobody_provides(void **state)
{
	unsigned order[MANIFEST_MAX_SERVERS];

	(void)state;
	assert_int_equal(parse("server console\nbinary c.elf\nprovides console\n"
	                       "server app\nbinary app.elf\nuses console\nuses sound\n"),
	                 0);
	err[0] = '\0';
	assert_int_equal(manifest_order(&m, order, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "sound"));
	assert_non_null(strstr(err, "app"));
}

static void order_fails_on_a_cycle(void **state)
{
	unsigned order[MANIFEST_MAX_SERVERS];

	(void)state;
	assert_int_equal(parse("server console\nbinary c.elf\nprovides console\n"
	                       "server a\nbinary a.elf\nprovides x\nuses console\nuses z\n"
	                       "server b\nbinary b.elf\nprovides y\nuses x\n"
	                       "server c\nbinary c.elf\nprovides z\nuses y\n"),
	                 0);
	err[0] = '\0';
	assert_int_equal(manifest_order(&m, order, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cycle"));

	assert_int_equal(parse("server a\nbinary a.elf\nprovides x\nuses x\n"), 0);
	err[0] = '\0';
	assert_int_equal(manifest_order(&m, order, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cycle"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_manifest_sets_every_key),
		cmocka_unit_test(omitted_keys_take_defaults),
		cmocka_unit_test(empty_and_comment_only_input_has_no_servers),
		cmocka_unit_test(input_without_trailing_newline_parses_last_line),
		cmocka_unit_test(len_bounds_the_input),
		cmocka_unit_test(crlf_line_ends_are_accepted),
		cmocka_unit_test(heartbeat_is_only_for_servers_that_provide),
		cmocka_unit_test(devmem_control_and_dma_give_rights),
		cmocka_unit_test(bad_devmem_and_control_lines_fail),
		cmocka_unit_test(unknown_key_fails),
		cmocka_unit_test(bad_number_fails),
		cmocka_unit_test(largest_numbers_are_accepted),
		cmocka_unit_test(number_out_of_range_fails),
		cmocka_unit_test(key_before_first_server_fails),
		cmocka_unit_test(server_wants_exactly_one_name),
		cmocka_unit_test(duplicate_server_name_fails),
		cmocka_unit_test(seventeenth_server_fails),
		cmocka_unit_test(fifth_uses_line_fails),
		cmocka_unit_test(names_too_long_fail),
		cmocka_unit_test(too_many_words_fail),
		cmocka_unit_test(unknown_restart_value_fails),
		cmocka_unit_test(server_without_binary_fails_at_its_server_line),
		cmocka_unit_test(order_puts_providers_before_users),
		cmocka_unit_test(order_of_no_servers_is_empty),
		cmocka_unit_test(order_fails_naming_a_use_nobody_provides),
		cmocka_unit_test(order_fails_on_a_cycle),
	};

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
