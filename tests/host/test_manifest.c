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

/* The k-th resource line of s (all kinds together). */
static const struct manifest_resource *res(const struct manifest_server *s, unsigned k)
{
	assert_true(k < s->ms_nres);
	return &s->ms_res[k];
}

static void assert_res(const struct manifest_server *s, unsigned k, enum manifest_resource_kind kind,
                       uint64_t first, uint64_t count)
{
	const struct manifest_resource *r = res(s, k);

	assert_int_equal(r->mr_kind, kind);
	assert_true(r->mr_first == first);
	assert_true(r->mr_count == count);
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
	                           "\tports 0x1000 0xf000\n";
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
	assert_string_equal(s->ms_provides[0], "console");
	assert_int_equal(s->ms_nprovides, 1);
	assert_int_equal(s->ms_nuses, 0);
	assert_int_equal(s->ms_nres, 2);
	assert_res(s, 0, MANIFEST_IRQ, 4, 1);
	assert_res(s, 1, MANIFEST_PORTS, 0x3f8, 8);
	assert_int_equal(s->ms_heartbeat_ms, 250);

	s = find("fs");
	assert_string_equal(s->ms_binary, "boot/fs.elf");
	assert_int_equal(s->ms_priority, 1);
	assert_int_equal(s->ms_restart, RESTART_BACKOFF);
	assert_int_equal(s->ms_limit, 3);
	assert_string_equal(s->ms_provides[0], "fs");
	assert_int_equal(s->ms_nuses, 2);
	assert_string_equal(s->ms_uses[0], "console");
	assert_string_equal(s->ms_uses[1], "disk");
	assert_int_equal(s->ms_nres, 1);
	assert_res(s, 0, MANIFEST_PORTS, 96, 16);
	assert_int_equal(s->ms_heartbeat_ms, 0);

	s = find("disk");
	assert_string_equal(s->ms_binary, "disk.elf");
	assert_int_equal(s->ms_priority, 99);
	assert_int_equal(s->ms_restart, RESTART_NEVER);
	assert_int_equal(s->ms_nuses, 1);
	assert_string_equal(s->ms_uses[0], "console");
	assert_res(s, 0, MANIFEST_IRQ, 23, 1);
	assert_res(s, 1, MANIFEST_PORTS, 0x1000, 0xf000); /* up to the last port */
	assert_int_equal(m.m_nerrors, 0);
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
	assert_int_equal(s->ms_heartbeat_ms, 0); /* nothing provided: nothing answers heartbeats */
	assert_int_equal(s->ms_nuses, 0);
	assert_int_equal(s->ms_nprovides, 0);
	assert_int_equal(s->ms_nres, 0);
	assert_false(s->ms_control);
	assert_false(s->ms_dma);
	assert_false(s->ms_refused);
	assert_true(s->ms_memory_pages == 4096); /* 16M */
	assert_int_equal(s->ms_vault_pages, 0);
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

static void spin_watches_restarted_servers_unless_told(void **state)
{
	(void)state;
	assert_int_equal(parse("server a\nbinary a.elf\n"
	                       "server b\nbinary b.elf\nrestart always\n"
	                       "server c\nbinary c.elf\nrestart never\n"
	                       "server d\nbinary d.elf\nrestart never\nspin 2000\n"
	                       "server e\nbinary e.elf\nspin 0\n"
	                       "server f\nbinary f.elf\nspin 4294967295\n"
	                       "server g\nbinary g.elf\nspin 4294967294\n"),
	                 18);
	assert_non_null(strstr(err, "spin is 0-4294967294 ms"));
	assert_int_equal(find("a")->ms_spin_ms, MANIFEST_SPIN_DEFAULT);
	assert_int_equal(find("b")->ms_spin_ms, MANIFEST_SPIN_DEFAULT);
	assert_int_equal(find("c")->ms_spin_ms, 0); /* a benchmark's client may keep the CPU */
	assert_int_equal(find("d")->ms_spin_ms, 2000);
	assert_int_equal(find("e")->ms_spin_ms, 0);
	assert_true(find("f")->ms_refused); /* the value that means "no line" */
	assert_int_equal(find("g")->ms_spin_ms, 4294967294u);
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
	assert_string_equal(m.m_servers[1].ms_provides[0], "b");
	assert_res(&m.m_servers[1], 0, MANIFEST_PORTS, 0x60, 1);
	fails_at("server a\r\nbinary a.elf\r\nirq 56\r\n", 3, "out of range");
}

static void devmem_control_dma_and_chaos_give_rights(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse("server hpet\nbinary h.elf\ndevmem 0xfed00000 0x1000\ncontrol\n"
	                       "server big\nbinary b.elf\ndevmem 0xFFFFFFFFFF000 4096\ndma\nchaos\n"),
	                 0);
	s = find("hpet");
	assert_res(s, 0, MANIFEST_DEVMEM, 0xfed00000, 4096);
	assert_true(s->ms_control);
	assert_false(s->ms_dma);
	assert_false(s->ms_chaos);
	s = find("big");
	assert_res(s, 0, MANIFEST_DEVMEM, 0xFFFFFFFFFF000ULL, 4096); /* the last page below 2^52 */
	assert_false(s->ms_control);
	assert_true(s->ms_dma);
	assert_true(s->ms_chaos);
	assert_int_equal(parse("server a\nbinary a.elf\n"), 0);
	assert_int_equal(m.m_servers[0].ms_nres, 0);
	assert_false(m.m_servers[0].ms_control);
	assert_false(m.m_servers[0].ms_dma);
	assert_false(m.m_servers[0].ms_chaos);
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
	fails_at("server a\nbinary a.elf\ncontrol yes\n", 3, "unknown key");
	fails_at("server a\nbinary a.elf\ndma 1\n", 3, "unknown key");
	fails_at("server a\nbinary a.elf\nchaos fs\n", 3, "unknown key");
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
	fails_at("server a\nbinary a.elf\nirq 56\n", 3, "out of range");
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

static void server_past_the_limit_is_skipped(void **state)
{
	static char text[8192];
	size_t n = 0;

	(void)state;
	for (unsigned i = 0; i < MANIFEST_MAX_SERVERS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "server s%u\nbinary s%u.elf\n", i, i);
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.m_count, 64);
	assert_string_equal(m.m_servers[63].ms_name, "s63");
	snprintf(text + n, sizeof(text) - n, "server s64\nbinary s64.elf\nprovides x\n");
	fails_at(text, 2 * 64 + 1, "at most 64 servers");
	assert_int_equal(m.m_count, 64); /* the 65th block is skipped, the others kept */
	assert_int_equal(m.m_nerrors, 1);
	assert_int_equal(manifest_provider(&m, "x"), -1);
}

static void seventeenth_uses_line_fails(void **state)
{
	char text[512];
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "server a\nbinary a.elf\n");
	for (unsigned i = 0; i < 16; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "uses u%u\n", i);
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.m_servers[0].ms_nuses, 16);
	assert_string_equal(m.m_servers[0].ms_uses[15], "u15");
	snprintf(text + n, sizeof(text) - n, "uses u16\n");
	fails_at(text, 19, "too many uses lines (at most 16)");
	assert_true(m.m_servers[0].ms_refused);
}

static void resource_lines_add_up(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse("server nic\nbinary nic.elf\n"
	                       "irq 10\nports 0xc000 0x20\ndevmem 0xfeb00000 0x1000\n"
	                       "irq 11\nports 0xc040 8\ndevmem 0xfeb10000 0x4000\n"),
	                 0);
	s = find("nic");
	assert_int_equal(s->ms_nres, 6);
	assert_res(s, 0, MANIFEST_IRQ, 10, 1);
	assert_res(s, 1, MANIFEST_PORTS, 0xc000, 0x20);
	assert_res(s, 2, MANIFEST_DEVMEM, 0xfeb00000, 0x1000);
	assert_res(s, 3, MANIFEST_IRQ, 11, 1);
	assert_res(s, 4, MANIFEST_PORTS, 0xc040, 8);
	assert_res(s, 5, MANIFEST_DEVMEM, 0xfeb10000, 0x4000);
	assert_int_equal(res(s, 4)->mr_line, 7);
}

static void seventeenth_resource_line_fails(void **state)
{
	char text[1024];
	size_t n;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), "server a\nbinary a.elf\n");
	for (unsigned i = 0; i < 16; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "ports %u 1\n", 0x100 + i);
	assert_int_equal(parse(text), 0);
	assert_int_equal(m.m_servers[0].ms_nres, MANIFEST_MAX_RESOURCES);
	snprintf(text + n, sizeof(text) - n, "irq 3\n");
	fails_at(text, 19, "too many irq, ports, devmem and devrange lines");
}

static void several_provides_lines(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse("server net\nbinary net.elf\nprovides tcp\nprovides udp\nprovides dns\n"
	                       "server app\nbinary app.elf\nuses udp\nuses dns\n"),
	                 0);
	s = find("net");
	assert_int_equal(s->ms_nprovides, 3);
	assert_string_equal(s->ms_provides[0], "tcp");
	assert_string_equal(s->ms_provides[2], "dns");
	assert_int_equal(s->ms_heartbeat_ms, 1000);
	assert_int_equal(manifest_provider(&m, "udp"), 0);
	assert_int_equal(manifest_provider(&m, "dns"), 0);
	assert_int_equal(manifest_provider(&m, "app"), -1);
	fails_at("server a\nbinary a.elf\nprovides p\nprovides q\nprovides r\nprovides s\nprovides t\n", 7,
	         "too many provides lines (at most 4)");
}

static void memory_sets_the_quota(void **state)
{
	(void)state;
	assert_int_equal(parse("server a\nbinary a.elf\nmemory 64M\n"
	                       "server b\nbinary b.elf\nmemory 256K\n"
	                       "server c\nbinary c.elf\nmemory 1G\n"
	                       "server d\nbinary d.elf\nmemory 8192\n"
	                       "server e\nbinary e.elf\nmemory 0x2000\n"),
	                 0);
	assert_true(find("a")->ms_memory_pages == 16384);
	assert_true(find("b")->ms_memory_pages == 64);
	assert_true(find("c")->ms_memory_pages == 262144);
	assert_true(find("d")->ms_memory_pages == 2);
	assert_true(find("e")->ms_memory_pages == 2);
	fails_at("server a\nbinary a.elf\nmemory 0\n", 3, "memory wants a size");
	fails_at("server a\nbinary a.elf\nmemory 1000\n", 3, "a multiple of 4K");
	fails_at("server a\nbinary a.elf\nmemory 2G\n", 3, "at most 1G");
	fails_at("server a\nbinary a.elf\nmemory 16X\n", 3, "memory wants a size");
	fails_at("server a\nbinary a.elf\nmemory M\n", 3, "memory wants a size");
	fails_at("server a\nbinary a.elf\nmemory 0xfffffffffffffffM\n", 3, "memory wants a size");
}

static void vault_gives_pages(void **state)
{
	(void)state;
	assert_int_equal(parse("server a\nbinary a.elf\nvault 1\nserver b\nbinary b.elf\nvault 16\n"), 0);
	assert_int_equal(find("a")->ms_vault_pages, 1);
	assert_int_equal(find("b")->ms_vault_pages, 16);
	fails_at("server a\nbinary a.elf\nvault 17\n", 3, "out of range");
	fails_at("server a\nbinary a.elf\nvault many\n", 3, "not a number");
}

/* The error at index i is at line and says every one of the words. */
static void error_says(unsigned i, unsigned line, const char *w1, const char *w2, const char *w3)
{
	const char *t = m.m_errors[i].me_text;

	if (m.m_errors[i].me_line != line || !strstr(t, w1) || !strstr(t, w2) || !strstr(t, w3))
		print_error("error %u: line %u \"%s\"; want line %u with %s, %s, %s\n", i,
		            m.m_errors[i].me_line, t, line, w1, w2, w3);
	assert_int_equal(m.m_errors[i].me_line, line);
	assert_non_null(strstr(t, w1));
	assert_non_null(strstr(t, w2));
	assert_non_null(strstr(t, w3));
}

static void overlapping_ports_refuse_the_later_server_naming_both(void **state)
{
	(void)state;
	parse("server uart\nbinary u.elf\nports 0x3f8 8\n"
	      "server rogue\nbinary r.elf\nports 0x400 4\nports 0x3fc 2\n"
	      "server fine\nbinary f.elf\nports 0x3f0 8\n");
	assert_int_equal(m.m_nerrors, 1);
	error_says(0, 7, "rogue", "uart (line 3)",
	           "ports 0x3fc 0x2 of rogue overlaps ports 0x3f8 0x8 of uart");
	assert_false(find("uart")->ms_refused);
	assert_true(find("rogue")->ms_refused);
	assert_false(find("fine")->ms_refused); /* 0x3f0-0x3f7 touches, but does not overlap */
}

static void overlapping_devmem_refuses_the_later_server_naming_both(void **state)
{
	(void)state;
	parse("server hpet\nbinary h.elf\ndevmem 0xfed00000 0x1000\n"
	      "server big\nbinary b.elf\ndevmem 0xfec00000 0x200000\n");
	assert_int_equal(m.m_nerrors, 1);
	error_says(0, 6, "of big overlaps devmem 0xfed00000 0x1000 of hpet (line 3)", "big refused", "");
	assert_true(find("big")->ms_refused);
	/* Within one server too. */
	parse("server a\nbinary a.elf\ndevmem 0xfed00000 0x2000\ndevmem 0xfed01000 0x1000\n");
	error_says(0, 4, "of a overlaps devmem 0xfed00000 0x2000 of a (line 3)", "", "");
	/* Adjacent ranges are fine. */
	assert_int_equal(
	        parse("server a\nbinary a.elf\ndevmem 0xfed00000 0x1000\n"
	              "server b\nbinary b.elf\ndevmem 0xfed01000 0x1000\ndevmem 0xfecff000 0x1000\n"),
	        0);
}

static void pci_line_names_the_device(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse("server blk\nbinary b.elf\npci 1af4:1042\nserver plain\nbinary p.elf\n"), 0);
	s = find("blk");
	assert_true(s->ms_pci);
	assert_int_equal(s->ms_pci_vendor, 0x1af4);
	assert_int_equal(s->ms_pci_device, 0x1042);
	assert_false(find("plain")->ms_pci);
	assert_int_equal(parse("server e\nbinary e.elf\npci 0:FFFF\n"), 0);
	assert_int_equal(find("e")->ms_pci_vendor, 0);
	assert_int_equal(find("e")->ms_pci_device, 0xffff);
	/* Two identical disks, one driver each: not a conflict. */
	assert_int_equal(parse("server a\nbinary a.elf\npci 1af4:1042\n"
	                       "server b\nbinary a.elf\npci 1af4:1042\n"),
	                 0);
}

static void bad_pci_lines_fail(void **state)
{
	(void)state;
	fails_at("server a\nbinary a.elf\npci 1af4\n", 3, "VENDOR:DEVICE");
	fails_at("server a\nbinary a.elf\npci 1af4:\n", 3, "VENDOR:DEVICE");
	fails_at("server a\nbinary a.elf\npci :1042\n", 3, "VENDOR:DEVICE");
	fails_at("server a\nbinary a.elf\npci 1af40:1042\n", 3, "VENDOR:DEVICE");
	fails_at("server a\nbinary a.elf\npci 0x1af4:1042\n", 3, "VENDOR:DEVICE");
	fails_at("server a\nbinary a.elf\npci 1af4:10g2\n", 3, "VENDOR:DEVICE");
	fails_at("server a\nbinary a.elf\npci 1af4:1042:1\n", 3, "VENDOR:DEVICE");
	fails_at("server a\nbinary a.elf\npci\n", 3, "unknown key");
	fails_at("server a\nbinary a.elf\npci 1af4:1042\npci 1af4:1041\n", 4, "second pci line");
}

static void devrange_gives_a_range_and_conflicts_with_devmem(void **state)
{
	const struct manifest_server *s;

	(void)state;
	assert_int_equal(parse("server pci\nbinary p.elf\ndevrange 0xb0000000 0x10000000\n"
	                       "devrange 0x100000000 0x100000000\nirq 24\n"),
	                 0);
	s = find("pci");
	assert_res(s, 0, MANIFEST_DEVRANGE, 0xb0000000, 0x10000000);
	assert_res(s, 1, MANIFEST_DEVRANGE, 0x100000000, 0x100000000);
	assert_res(s, 2, MANIFEST_IRQ, 24, 1); /* an MSI vector */
	fails_at("server a\nbinary a.elf\ndevrange 0xb0000800 4096\n", 3, "devrange wants");
	fails_at("server a\nbinary a.elf\ndevrange 0xb0000000 0\n", 3, "devrange wants");
	/* A devmem line inside another server's range is the same bytes. */
	parse("server pci\nbinary p.elf\ndevrange 0xc0000000 0x3ec00000\n"
	      "server rogue\nbinary r.elf\ndevmem 0xfea00000 0x1000\n");
	assert_int_equal(m.m_nerrors, 1);
	error_says(0, 6, "devmem 0xfea00000 0x1000 of rogue overlaps devrange 0xc0000000 0x3ec00000 of pci",
	           "(line 3)", "rogue refused");
	parse("server hpet\nbinary h.elf\ndevmem 0xfed00000 0x1000\n"
	      "server wide\nbinary w.elf\ndevrange 0xfe000000 0x2000000\n");
	error_says(0, 6, "devrange 0xfe000000 0x2000000 of wide overlaps devmem 0xfed00000 0x1000 of hpet",
	           "", "");
	assert_true(find("wide")->ms_refused);
}

static void shared_irq_or_service_refuses_the_later_server(void **state)
{
	(void)state;
	parse("server a\nbinary a.elf\nirq 4\nprovides console\n"
	      "server b\nbinary b.elf\nirq 4\n"
	      "server c\nbinary c.elf\nprovides console\n");
	assert_int_equal(m.m_nerrors, 2);
	error_says(0, 7, "irq 4 of b overlaps irq 4 of a (line 3)", "", "");
	error_says(1, 8, "c provides console, which a (line 1) provides too", "c refused", "");
	/* A refused server takes part in no conflict: d may have its ports. */
	parse("server a\nbinary a.elf\nports 1 2\nbogus\nserver d\nbinary d.elf\nports 1 2\n");
	assert_int_equal(m.m_nerrors, 1);
	assert_false(find("d")->ms_refused);
}

static void bad_block_is_refused_and_the_rest_kept(void **state)
{
	unsigned order[MANIFEST_MAX_SERVERS];

	(void)state;
	fails_at(
	        "server console\nbinary c.elf\nprovides console\n"
	        "server broken\nbinary b.elf\nirq 99\nprovides fancy\npriority 7\n"
	        "server shell\nbinary s.elf\nuses console\nuses fancy\n"
	        "server broken\nbinary x.elf\n",
	        6,
	        "irq 99: out of range: irq wants an IOAPIC line 0-23 or an MSI vector 24-55; broken refused");
	assert_int_equal(m.m_count, 3);
	assert_int_equal(m.m_nerrors, 2);
	error_says(1, 13, "server broken", "a second server of that name (the first is at line 4)",
	           "skipped");
	assert_true(find("broken")->ms_refused);
	/* The rest of its block was read: its service is known. */
	assert_int_equal(find("broken")->ms_priority, 7);
	assert_int_equal(manifest_provider(&m, "fancy"), 1);
	assert_false(find("console")->ms_refused);
	assert_false(find("shell")->ms_refused);
	/* shell still starts, after console; its lookups of fancy will fail. */
	assert_int_equal(manifest_order(&m, order), 2);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 2);
}

static void every_error_is_listed_with_its_line(void **state)
{
	(void)state;
	parse("binary early.elf\n"
	      "server a\nbinary a.elf\ncolour blue\n"
	      "server b\nbinary b.elf\n"
	      "server c\npriority 5\n"
	      "server d e\nbinary d.elf\n");
	assert_int_equal(m.m_nerrors, 4);
	error_says(0, 1, "binary early.elf", "before the first server line", "");
	error_says(1, 4, "colour blue", "unknown key", "a refused");
	error_says(2, 9, "server d e", "one name", "block skipped");
	error_says(3, 7, "server c has no binary line", "c refused", "");
	assert_false(find("b")->ms_refused);
	assert_int_equal(m.m_count, 3);
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
	fails_at("server a\n", 1, "no binary line");
	fails_at("server a\nbinary a.elf\n\nserver b\npriority 3\n\nserver c\nbinary c.elf\n\n", 4,
	         "no binary line");
	fails_at("server a\npriority 3\nserver b\nbinary b.elf", 1, "no binary line");
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
	assert_int_equal(manifest_order(&m, order), 7);
	positions(order, pos);
	for (unsigned i = 0; i < m.m_count; i++)
		for (unsigned u = 0; u < m.m_servers[i].ms_nuses; u++) {
			int p = manifest_provider(&m, m.m_servers[i].ms_uses[u]);

			assert_true(p >= 0);
			assert_true(pos[p] < pos[i]);
		}
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
	assert_int_equal(manifest_order(&m, order), 0);
	assert_int_equal(m.m_nerrors, 0);
}

static void order_refuses_a_use_nobody_provides(void **state)
{
	unsigned order[MANIFEST_MAX_SERVERS];

	(void)state;
	assert_int_equal(parse("server console\nbinary c.elf\nprovides console\n"
	                       "server app\nbinary app.elf\nuses console\nuses sound\n"),
	                 0);
	assert_int_equal(manifest_order(&m, order), 1);
	assert_int_equal(order[0], 0);
	assert_int_equal(m.m_nerrors, 1);
	error_says(0, 4, "app uses sound, which no server provides", "app refused", "");
	assert_true(m.m_servers[1].ms_refused);
}

static void order_refuses_a_cycle_and_starts_the_rest(void **state)
{
	unsigned order[MANIFEST_MAX_SERVERS];

	(void)state;
	assert_int_equal(parse("server console\nbinary c.elf\nprovides console\n"
	                       "server a\nbinary a.elf\nprovides x\nuses console\nuses z\n"
	                       "server b\nbinary b.elf\nprovides y\nuses x\n"
	                       "server c\nbinary c.elf\nprovides z\nuses y\n"),
	                 0);
	assert_int_equal(manifest_order(&m, order), 1);
	assert_string_equal(m.m_servers[order[0]].ms_name, "console");
	assert_int_equal(m.m_nerrors, 3);
	error_says(0, 4, "a: its uses lines form a cycle", "a refused", "");
	error_says(2, 13, "c: its uses lines form a cycle", "c refused", "");

	assert_int_equal(parse("server a\nbinary a.elf\nprovides x\nuses x\n"), 0);
	assert_int_equal(manifest_order(&m, order), 0);
	error_says(0, 1, "cycle", "", "");
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
		cmocka_unit_test(spin_watches_restarted_servers_unless_told),
		cmocka_unit_test(devmem_control_dma_and_chaos_give_rights),
		cmocka_unit_test(bad_devmem_and_control_lines_fail),
		cmocka_unit_test(unknown_key_fails),
		cmocka_unit_test(bad_number_fails),
		cmocka_unit_test(largest_numbers_are_accepted),
		cmocka_unit_test(number_out_of_range_fails),
		cmocka_unit_test(key_before_first_server_fails),
		cmocka_unit_test(server_wants_exactly_one_name),
		cmocka_unit_test(duplicate_server_name_fails),
		cmocka_unit_test(server_past_the_limit_is_skipped),
		cmocka_unit_test(seventeenth_uses_line_fails),
		cmocka_unit_test(resource_lines_add_up),
		cmocka_unit_test(seventeenth_resource_line_fails),
		cmocka_unit_test(several_provides_lines),
		cmocka_unit_test(memory_sets_the_quota),
		cmocka_unit_test(vault_gives_pages),
		cmocka_unit_test(overlapping_ports_refuse_the_later_server_naming_both),
		cmocka_unit_test(overlapping_devmem_refuses_the_later_server_naming_both),
		cmocka_unit_test(pci_line_names_the_device),
		cmocka_unit_test(bad_pci_lines_fail),
		cmocka_unit_test(devrange_gives_a_range_and_conflicts_with_devmem),
		cmocka_unit_test(shared_irq_or_service_refuses_the_later_server),
		cmocka_unit_test(bad_block_is_refused_and_the_rest_kept),
		cmocka_unit_test(every_error_is_listed_with_its_line),
		cmocka_unit_test(names_too_long_fail),
		cmocka_unit_test(too_many_words_fail),
		cmocka_unit_test(unknown_restart_value_fails),
		cmocka_unit_test(server_without_binary_fails_at_its_server_line),
		cmocka_unit_test(order_puts_providers_before_users),
		cmocka_unit_test(order_of_no_servers_is_empty),
		cmocka_unit_test(order_refuses_a_use_nobody_provides),
		cmocka_unit_test(order_refuses_a_cycle_and_starts_the_rest),
	};

	return cmocka_run_group_tests_name("manifest", tests, NULL, NULL);
}
