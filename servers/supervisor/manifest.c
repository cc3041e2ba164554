/* Manifest parsing and start order (see manifest.h). */
#include "manifest.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool word_eq(const char *w, size_t n, const char *s)
{
	return strlen(s) == n && memcmp(w, s, n) == 0;
}

static bool copy_word(char *dst, size_t size, const char *w, size_t n)
{
	if (n == 0 || n >= size)
		return false;
	memcpy(dst, w, n);
	dst[n] = '\0';
	return true;
}

/* A number (num.h) below 2^32. */
static bool parse_num(const char *w, size_t n, unsigned *out)
{
	uint64_t v;

	if (!num_parse(w, n, &v) || v > 0xFFFFFFFFu)
		return false;
	*out = (unsigned)v;
	return true;
}

/* A size: a number with an optional K, M or G suffix (powers of 1024). */
static bool parse_size(const char *w, size_t n, uint64_t *out)
{
	unsigned shift = 0;

	if (n > 1 && (w[n - 1] == 'K' || w[n - 1] == 'k'))
		shift = 10;
	else if (n > 1 && (w[n - 1] == 'M' || w[n - 1] == 'm'))
		shift = 20;
	else if (n > 1 && (w[n - 1] == 'G' || w[n - 1] == 'g'))
		shift = 30;
	if (!num_parse(w, shift ? n - 1 : n, out) || *out > (UINT64_MAX >> shift))
		return false;
	*out <<= shift;
	return true;
}

/* 1-4 hex digits, no 0x: half of a pci line's VENDOR:DEVICE. */
static bool parse_hex16(const char *w, size_t n, uint16_t *out)
{
	unsigned v = 0;

	if (n == 0 || n > 4)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = w[i];
		unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
		             : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
		             : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
		                                    : 16;

		if (d == 16)
			return false;
		v = v << 4 | d;
	}
	*out = (uint16_t)v;
	return true;
}

static bool parse_pci_id(const char *w, size_t n, uint16_t *vendor, uint16_t *device)
{
	const char *colon = memchr(w, ':', n);

	return colon && parse_hex16(w, (size_t)(colon - w), vendor) &&
	       parse_hex16(colon + 1, n - (size_t)(colon - w) - 1, device);
}

struct words {
	const char *w[4];
	size_t n[4];
	unsigned count;
	const char *line; /* the key and its values, for messages */
	size_t len;
};

/* Splits a line into at most 4 words; a fifth makes count 5. */
static void split(const char *line, size_t len, struct words *ws)
{
	size_t i = 0;

	ws->count = 0;
	ws->len = 0;
	while (i < len && line[i] != '#') {
		size_t start;

		while (i < len && is_space(line[i]))
			i++;
		if (i == len || line[i] == '#')
			break;
		start = i;
		while (i < len && !is_space(line[i]) && line[i] != '#')
			i++;
		if (ws->count < 4) {
			ws->w[ws->count] = line + start;
			ws->n[ws->count] = i - start;
		}
		if (ws->count++ == 0)
			ws->line = line + start;
		ws->len = (size_t)(line + i - ws->line);
	}
}

/* Records an error at line: "KEY VALUES: why". */
static void error_at(struct manifest *m, unsigned line, const struct words *ws, const char *fmt, ...)
{
	struct manifest_error *e = &m->m_errors[m->m_nerrors < MANIFEST_MAX_ERRORS ? m->m_nerrors : 0];
	int n = 0;
	va_list ap;

	if (m->m_nerrors++ >= MANIFEST_MAX_ERRORS)
		return;
	e->me_line = line;
	if (ws && ws->count)
		n = snprintf(e->me_text, sizeof(e->me_text), "%.*s: ", (int)(ws->len > 48 ? 48 : ws->len),
		             ws->line);
	va_start(ap, fmt);
	vsnprintf(e->me_text + n, sizeof(e->me_text) - (size_t)n, fmt, ap);
	va_end(ap);
}

static const char *const kind_names[] = { "ports", "irq", "devmem", "devrange" };

/* Adds an irq, ports or devmem line to s. Returns NULL or why not. */
static const char *add_resource(struct manifest_server *s, enum manifest_resource_kind kind, uint64_t first,
                                uint64_t count, unsigned line)
{
	if (s->ms_nres == MANIFEST_MAX_RESOURCES)
		return "too many irq, ports, devmem and devrange lines (at most 16 a server)";
	s->ms_res[s->ms_nres++] = (struct manifest_resource){ kind, first, count, line };
	return NULL;
}

/* One "key value..." line of a server block. Returns NULL, or why it is
 * wrong. */
static const char *parse_key(struct manifest_server *s, const struct words *ws, unsigned line)
{
	const char *k = ws->w[0];
	size_t kn = ws->n[0];
	uint64_t a, b;
	unsigned v;

	if (word_eq(k, kn, "binary") && ws->count == 2)
		return copy_word(s->ms_binary, sizeof(s->ms_binary), ws->w[1], ws->n[1])
		               ? NULL
		               : "binary name too long (at most 47 characters)";
	if (word_eq(k, kn, "provides") && ws->count == 2) {
		if (s->ms_nprovides == MANIFEST_MAX_PROVIDES)
			return "too many provides lines (at most 4)";
		if (!copy_word(s->ms_provides[s->ms_nprovides], MANIFEST_NAME_LEN, ws->w[1], ws->n[1]))
			return "service name too long (at most 23 characters)";
		s->ms_nprovides++;
		return NULL;
	}
	if (word_eq(k, kn, "uses") && ws->count == 2) {
		if (s->ms_nuses == MANIFEST_MAX_USES)
			return "too many uses lines (at most 16)";
		if (!copy_word(s->ms_uses[s->ms_nuses], MANIFEST_NAME_LEN, ws->w[1], ws->n[1]))
			return "service name too long (at most 23 characters)";
		s->ms_nuses++;
		return NULL;
	}
	if (word_eq(k, kn, "restart") && ws->count == 2) {
		if (word_eq(ws->w[1], ws->n[1], "always"))
			s->ms_restart = RESTART_ALWAYS;
		else if (word_eq(ws->w[1], ws->n[1], "backoff"))
			s->ms_restart = RESTART_BACKOFF;
		else if (word_eq(ws->w[1], ws->n[1], "never"))
			s->ms_restart = RESTART_NEVER;
		else
			return "restart is always, backoff or never";
		return NULL;
	}
	if (word_eq(k, kn, "ports") && ws->count == 3) {
		if (!num_parse(ws->w[1], ws->n[1], &a) || !num_parse(ws->w[2], ws->n[2], &b) || b == 0 ||
		    a > 65535 || b > 65536 - a)
			return "ports wants a first port and a count within 0-65535";
		return add_resource(s, MANIFEST_PORTS, a, b, line);
	}
	if ((word_eq(k, kn, "devmem") || word_eq(k, kn, "devrange")) && ws->count == 3) {
		bool range = word_eq(k, kn, "devrange");

		if (!num_parse(ws->w[1], ws->n[1], &a) || !num_parse(ws->w[2], ws->n[2], &b) || b == 0 ||
		    ((a | b) & (MANIFEST_PAGE - 1)) || a + b < a || a + b > MANIFEST_PHYS_END)
			return range ? "devrange wants a page-aligned physical address and size"
			             : "devmem wants a page-aligned physical address and size";
		return add_resource(s, range ? MANIFEST_DEVRANGE : MANIFEST_DEVMEM, a, b, line);
	}
	if (word_eq(k, kn, "pci") && ws->count == 2) {
		if (s->ms_pci)
			return "a second pci line (one device a server)";
		if (!parse_pci_id(ws->w[1], ws->n[1], &s->ms_pci_vendor, &s->ms_pci_device))
			return "pci wants VENDOR:DEVICE, each 1-4 hex digits (1af4:1042)";
		s->ms_pci = true;
		return NULL;
	}
	if (word_eq(k, kn, "memory") && ws->count == 2) {
		if (!parse_size(ws->w[1], ws->n[1], &a) || a == 0 || (a & (MANIFEST_PAGE - 1)) ||
		    a > MANIFEST_MEMORY_MAX)
			return "memory wants a size such as 16M: a multiple of 4K, at most 1G";
		s->ms_memory_pages = a / MANIFEST_PAGE;
		return NULL;
	}
	if (word_eq(k, kn, "control") && ws->count == 1) {
		s->ms_control = true;
		return NULL;
	}
	if (word_eq(k, kn, "dma") && ws->count == 1) {
		s->ms_dma = true;
		return NULL;
	}
	if (word_eq(k, kn, "chaos") && ws->count == 1) {
		s->ms_chaos = true;
		return NULL;
	}
	if (ws->count != 2 || !parse_num(ws->w[1], ws->n[1], &v))
		return "unknown key, or a value that is not a number";
	if (word_eq(k, kn, "priority") && v >= 1 && v <= 99)
		s->ms_priority = v;
	else if (word_eq(k, kn, "limit"))
		s->ms_limit = v;
	else if (word_eq(k, kn, "irq") && v < MANIFEST_IRQ_LINES)
		return add_resource(s, MANIFEST_IRQ, v, 1, line);
	else if (word_eq(k, kn, "heartbeat"))
		s->ms_heartbeat_ms = v;
	else if (word_eq(k, kn, "spin") && v < MANIFEST_SPIN_UNSET)
		s->ms_spin_ms = v;
	else if (word_eq(k, kn, "vault") && v <= MANIFEST_MAX_VAULT)
		s->ms_vault_pages = v;
	else if (word_eq(k, kn, "priority"))
		return "out of range: priority is 1-99";
	else if (word_eq(k, kn, "irq"))
		return "out of range: irq wants an IOAPIC line 0-23 or an MSI vector 24-55";
	else if (word_eq(k, kn, "vault"))
		return "out of range: vault is 0-16 pages";
	else if (word_eq(k, kn, "spin"))
		return "out of range: spin is 0-4294967294 ms";
	else
		return "unknown key";
	return NULL;
}

static void server_defaults(struct manifest_server *s, unsigned line)
{
	memset(s, 0, sizeof(*s));
	s->ms_priority = 50;
	s->ms_restart = RESTART_BACKOFF;
	s->ms_limit = 5;
	s->ms_heartbeat_ms = 1000;
	s->ms_spin_ms = MANIFEST_SPIN_UNSET;
	s->ms_memory_pages = MANIFEST_MEMORY_DEFAULT / MANIFEST_PAGE;
	s->ms_line = line;
}

static int find_server(const struct manifest *m, const char *w, size_t n)
{
	for (unsigned j = 0; j < m->m_count; j++)
		if (word_eq(w, n, m->m_servers[j].ms_name))
			return (int)j;
	return -1;
}

/* A "server NAME" line: starts a block, or returns NULL (the block's
 * lines are then skipped) with the error recorded. */
static struct manifest_server *server_line(struct manifest *m, const struct words *ws, unsigned line)
{
	struct manifest_server *s;
	int other;

	if (ws->count != 2)
		return error_at(m, line, ws, "%s; block skipped",
		                ws->count > 3 ? "too many words" : "server wants one name"),
		       NULL;
	if (ws->n[1] >= MANIFEST_NAME_LEN)
		return error_at(m, line, ws, "server name too long (at most 23 characters); block skipped"),
		       NULL;
	if ((other = find_server(m, ws->w[1], ws->n[1])) >= 0)
		return error_at(m, line, ws,
		                "a second server of that name (the first is at line %u); block skipped",
		                m->m_servers[other].ms_line),
		       NULL;
	if (m->m_count == MANIFEST_MAX_SERVERS)
		return error_at(m, line, ws, "at most %u servers; block skipped", MANIFEST_MAX_SERVERS), NULL;
	s = &m->m_servers[m->m_count++];
	server_defaults(s, line);
	copy_word(s->ms_name, sizeof(s->ms_name), ws->w[1], ws->n[1]);
	return s;
}

/* devmem and devrange lines name the same thing: physical addresses. */
static bool same_space(enum manifest_resource_kind a, enum manifest_resource_kind b)
{
	bool mem_a = a == MANIFEST_DEVMEM || a == MANIFEST_DEVRANGE;
	bool mem_b = b == MANIFEST_DEVMEM || b == MANIFEST_DEVRANGE;

	return a == b || (mem_a && mem_b);
}

static bool overlap(const struct manifest_resource *a, const struct manifest_resource *b)
{
	return same_space(a->mr_kind, b->mr_kind) && a->mr_first < b->mr_first + b->mr_count &&
	       b->mr_first < a->mr_first + a->mr_count;
}

static void describe(char *buf, size_t size, const struct manifest_resource *r)
{
	if (r->mr_kind == MANIFEST_IRQ)
		snprintf(buf, size, "irq %lu", (unsigned long)r->mr_first);
	else
		snprintf(buf, size, "%s %#lx %#lx", kind_names[r->mr_kind], (unsigned long)r->mr_first,
		         (unsigned long)r->mr_count);
}

/* Server j against every earlier server that is not refused, and against
 * itself: no port, device memory byte, interrupt line or service twice. */
static void check_conflicts(struct manifest *m, unsigned j)
{
	struct manifest_server *s = &m->m_servers[j];
	char mine[48], theirs[48];

	for (unsigned i = 0; i <= j && !s->ms_refused; i++) {
		const struct manifest_server *o = &m->m_servers[i];

		if (o->ms_refused)
			continue;
		for (unsigned r = 0; r < s->ms_nres && !s->ms_refused; r++)
			for (unsigned q = 0; q < (i == j ? r : o->ms_nres) && !s->ms_refused; q++) {
				if (!overlap(&s->ms_res[r], &o->ms_res[q]))
					continue;
				describe(mine, sizeof(mine), &s->ms_res[r]);
				describe(theirs, sizeof(theirs), &o->ms_res[q]);
				error_at(m, s->ms_res[r].mr_line, NULL,
				         "%s of %s overlaps %s of %s (line %u); %s refused", mine, s->ms_name,
				         theirs, o->ms_name, o->ms_res[q].mr_line, s->ms_name);
				s->ms_refused = true;
			}
		for (unsigned p = 0; p < s->ms_nprovides && !s->ms_refused; p++)
			for (unsigned q = 0; q < (i == j ? p : o->ms_nprovides) && !s->ms_refused; q++) {
				if (strcmp(s->ms_provides[p], o->ms_provides[q]) != 0)
					continue;
				error_at(m, s->ms_line, NULL,
				         "%s provides %s, which %s (line %u) provides too; %s refused",
				         s->ms_name, s->ms_provides[p], o->ms_name, o->ms_line, s->ms_name);
				s->ms_refused = true;
			}
	}
}

unsigned manifest_parse(const char *text, size_t len, struct manifest *m, char *err, size_t errlen)
{
	struct manifest_server *cur = NULL;
	bool skipping = false; /* in a block whose server line was refused */
	unsigned line = 0;
	size_t i = 0;

	m->m_count = 0;
	m->m_nerrors = 0;
	while (i < len) {
		size_t start = i;
		const char *why;
		struct words ws;

		while (i < len && text[i] != '\n')
			i++;
		line++;
		split(text + start, i - start, &ws);
		i++;
		if (ws.count == 0)
			continue;
		if (word_eq(ws.w[0], ws.n[0], "server")) {
			cur = server_line(m, &ws, line);
			skipping = !cur;
			continue;
		}
		if (skipping)
			continue;
		if (!cur) {
			error_at(m, line, &ws, "a key before the first server line; ignored");
			continue;
		}
		why = ws.count > 3 ? "too many words" : parse_key(cur, &ws, line);
		if (why) {
			error_at(m, line, &ws, "%s; %s refused", why, cur->ms_name);
			cur->ms_refused = true;
		}
	}
	for (unsigned j = 0; j < m->m_count; j++) {
		struct manifest_server *s = &m->m_servers[j];

		if (!s->ms_binary[0] && !s->ms_refused) {
			error_at(m, s->ms_line, NULL, "server %s has no binary line; %s refused", s->ms_name,
			         s->ms_name);
			s->ms_refused = true;
		}
		/* Only a server's loop answers heartbeats: a program that
		 * provides nothing (the shell) has none and must not be taken
		 * for hung. */
		if (!s->ms_nprovides)
			s->ms_heartbeat_ms = 0;
		/* A program that is never restarted is not watched for
		 * spinning unless it asks (a benchmark's client may well keep
		 * the CPU for long). */
		if (s->ms_spin_ms == MANIFEST_SPIN_UNSET)
			s->ms_spin_ms = s->ms_restart == RESTART_NEVER ? 0 : MANIFEST_SPIN_DEFAULT;
		if (!s->ms_refused)
			check_conflicts(m, j);
	}
	if (m->m_nerrors == 0)
		return 0;
	if (errlen)
		snprintf(err, errlen, "%s", m->m_errors[0].me_text);
	return m->m_errors[0].me_line;
}

int manifest_provider(const struct manifest *m, const char *service)
{
	for (unsigned i = 0; i < m->m_count; i++)
		for (unsigned p = 0; p < m->m_servers[i].ms_nprovides; p++)
			if (strcmp(m->m_servers[i].ms_provides[p], service) == 0)
				return (int)i;
	return -1;
}

unsigned manifest_order(struct manifest *m, unsigned *order)
{
	bool placed[MANIFEST_MAX_SERVERS] = { false };
	unsigned n = 0, before;

	for (unsigned i = 0; i < m->m_count; i++) {
		struct manifest_server *s = &m->m_servers[i];

		for (unsigned u = 0; u < s->ms_nuses && !s->ms_refused; u++)
			if (manifest_provider(m, s->ms_uses[u]) < 0) {
				error_at(m, s->ms_line, NULL,
				         "%s uses %s, which no server provides; %s refused", s->ms_name,
				         s->ms_uses[u], s->ms_name);
				s->ms_refused = true;
			}
	}
	/* A service whose provider was refused will not come: its users start
	 * anyway, and their lookups of it say it failed. */
	do {
		before = n;
		for (unsigned i = 0; i < m->m_count; i++) {
			const struct manifest_server *s = &m->m_servers[i];
			bool ready = !placed[i] && !s->ms_refused;

			for (unsigned u = 0; ready && u < s->ms_nuses; u++) {
				int p = manifest_provider(m, s->ms_uses[u]);

				ready = placed[p] || m->m_servers[p].ms_refused;
			}
			if (ready) {
				placed[i] = true;
				order[n++] = i;
			}
		}
	} while (n != before);
	for (unsigned i = 0; i < m->m_count; i++)
		if (!placed[i] && !m->m_servers[i].ms_refused) {
			error_at(m, m->m_servers[i].ms_line, NULL,
			         "%s: its uses lines form a cycle, or wait on one; %s refused",
			         m->m_servers[i].ms_name, m->m_servers[i].ms_name);
			m->m_servers[i].ms_refused = true;
		}
	return n;
}
