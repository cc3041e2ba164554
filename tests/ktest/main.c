/* The in-system test runner: the first user task. It runs each test of
 * tests.h in turn, isolated (kt_begin/kt_end create and destroy whatever
 * the test made), prints one TAP line per test, the plan and a summary,
 * and ends QEMU with pass or fail through the isa-debug-exit port (the
 * first task holds every I/O port).
 *
 * Boot options (kernel command line): ktest.only=WORD runs only the tests
 * whose names contain WORD; ktest.seed=N seeds the fuzz test;
 * ktest.fuzzcalls=N makes it N calls long (make fuzz);
 * ktest.fuzztrace=1 makes the fuzzer print each call before it makes it. */
#include <kestrel/qemu_exit.h>

#include "harness.h"
#include "io.h"
#include "tests.h"

const char *kt_reason(void); /* harness.c */

#define KT_DECLARE(name) int test_##name(void);
KTEST_LIST(KT_DECLARE)

struct test {
	const char *t_name;
	int (*t_fn)(void);
};

static const struct test tests[] = {
#define KT_ENTRY(name) { #name, test_##name },
	KTEST_LIST(KT_ENTRY)
};

#define NTESTS (sizeof(tests) / sizeof(tests[0]))

static char only[48];
uint64_t kt_seed = 0x4B45535452454C31ULL;
uint64_t kt_fuzz_calls = FUZZ_CALLS;
bool kt_fuzz_trace;

/* Copies the value of NAME=value on the command line into buf. */
static bool cmdline_option(const char *name, char *buf, size_t size)
{
	const char *c = kt_bi->bi_cmdline;
	size_t n = strlen(name), i = 0;

	for (; *c; c++) {
		if ((c == kt_bi->bi_cmdline || c[-1] == ' ') && strncmp(c, name, n) == 0 && c[n] == '=') {
			for (c += n + 1; *c && *c != ' ' && i + 1 < size; c++)
				buf[i++] = *c;
			buf[i] = '\0';
			return true;
		}
	}
	return false;
}

static uint64_t parse_number(const char *s)
{
	uint64_t v = 0, base = 10;

	if (s[0] == '0' && s[1] == 'x') {
		base = 16;
		s += 2;
	}
	for (; *s; s++) {
		unsigned d = *s >= '0' && *s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10;

		if (d >= base)
			break;
		v = v * base + d;
	}
	return v;
}

/* The helper is the module whose name mentions it, else the first one. */
static const char *kt_init(uint64_t arg)
{
	const struct boot_module_info *mod = 0;
	char seed[24];

	kt_bi = (const struct boot_info *)arg;
	if (arg != BOOT_INFO_VADDR || kt_bi->bi_magic != BOOT_INFO_MAGIC)
		return "boot info missing or without its magic number";
	slots_init(kt_bi->bi_first_free_slot);
	vspace_init(BOOT_SLOT_TASK);
	for (uint64_t i = 0; i < kt_bi->bi_nmodules && i < BOOT_INFO_MAX_MODULES; i++)
		if (!mod || str_contains(kt_bi->bi_modules[i].bm_name, "helper"))
			mod = &kt_bi->bi_modules[i];
	if (!mod)
		return "no helper module (boot with --module ktest-helper.elf after the runner)";
	if (elf_open(&kt_helper, (const void *)mod->bm_vaddr, mod->bm_size, BOOT_MODULES_VADDR) != E_OK)
		return "the helper module is not a loadable ELF executable";
	if (kt_harness_init() != E_OK)
		return "cannot make the runner's endpoints and watchdog thread";
	cmdline_option("ktest.only", only, sizeof(only));
	if (cmdline_option("ktest.seed", seed, sizeof(seed)))
		kt_seed = parse_number(seed);
	if (cmdline_option("ktest.fuzzcalls", seed, sizeof(seed)))
		kt_fuzz_calls = parse_number(seed);
	kt_fuzz_trace = cmdline_option("ktest.fuzztrace", seed, sizeof(seed));
	printf("# ktest: %zu tests, helper \"%s\" (%lu bytes), first free slot %lu, pool %lu pages\n", NTESTS,
	       mod->bm_name, mod->bm_size, kt_bi->bi_first_free_slot, kt_bi->bi_pool_pages);
	return 0;
}

static void __attribute__((noreturn)) kt_finish(unsigned passed, unsigned failed)
{
	printf("1..%u\n", passed + failed);
	printf("ktest: %u passed, %u failed\n", passed, failed);
	outl(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	/* Without the exit device: stop here, quietly. */
	for (;;)
		sys_thread_suspend(BOOT_SLOT_THREAD);
}

long main(uint64_t arg)
{
	const char *why = kt_init(arg);
	unsigned n = 0, failed = 0;

	if (why) {
		printf("not ok 1 - runner_starts: %s\n", why);
		kt_finish(0, 1);
	}
	for (unsigned i = 0; i < NTESTS; i++) {
		const struct test *t = &tests[i];
		uint64_t t0 = kt_now(), fired = kt_watchdog_fired();
		int r;

		if (only[0] && !str_contains(t->t_name, only))
			continue;
		printf("# start %s\n", t->t_name); /* the last such line names a test that hung */
		kt_begin();
		r = t->t_fn();
		if (kt_watchdog_fired() != fired) {
			if (!kt_reason())
				kt_fail(__FILE__, __LINE__, "ran on after the watchdog stopped it");
			printf("# %s: stopped by the watchdog after %u ms\n", t->t_name, KT_TEST_BUDGET_MS);
			r = -1;
		}
		if (r != 0 && !kt_reason())
			kt_fail(__FILE__, __LINE__, "failed without a reason");
		n++;
		if (r == 0)
			printf("ok %u - %s\n", n, t->t_name);
		else
			printf("not ok %u - %s: %s\n", n, t->t_name, kt_reason());
		failed += r != 0;
		kt_end();
		printf("# %s: %lu ms\n", t->t_name, kt_now() - t0);
	}
	kt_finish(n - failed, failed);
}
