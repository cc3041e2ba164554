/* Manifest parsing and start order (see manifest.h). */
#include "manifest.h"

#include <stdbool.h>

#include "num.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool word_eq(const char *w, size_t n, const char *s)
{
	size_t i = 0;

	for (; i < n && s[i]; i++)
		if (w[i] != s[i])
			return false;
	return i == n && !s[i];
}

static bool str_eq(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static bool copy_word(char *dst, size_t size, const char *w, size_t n)
{
	if (n == 0 || n >= size)
		return false;
	for (size_t i = 0; i < n; i++)
		dst[i] = w[i];
	dst[n] = '\0';
	return true;
}

static bool parse_num(const char *w, size_t n, unsigned *out)
{
	uint64_t v;

	if (!num_parse(w, n, &v) || v > 0xFFFFFFFFu)
		return false;
	*out = (unsigned)v;
	return true;
}

#define PAGE_MASK 0xFFFULL

struct words {
	const char *w[4];
	size_t n[4];
	unsigned count;
};

/* Splits a line into at most 4 words; a fifth makes count 5. */
static void split(const char *line, size_t len, struct words *ws)
{
	size_t i = 0;

	ws->count = 0;
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
		ws->count++;
	}
}

/* err = a + b + c + d, cut to errlen: the parser needs no printf, so it links
 * into the supervisor and the host tests alike. */
static void say(char *err, size_t errlen, const char *a, const char *b, const char *c, const char *d)
{
	const char *parts[4] = { a, b, c, d };
	size_t n = 0;

	for (int i = 0; i < 4; i++)
		for (const char *p = parts[i]; p && *p && n + 1 < errlen; p++)
			err[n++] = *p;
	if (errlen)
		err[n] = '\0';
}

static void fail(char *err, size_t errlen, const char *why)
{
	say(err, errlen, why, NULL, NULL, NULL);
}

/* One "key value..." line of a server block. Returns false on error. */
static bool parse_key(struct manifest_server *s, const struct words *ws, char *err, size_t errlen)
{
	const char *k = ws->w[0];
	size_t kn = ws->n[0];
	unsigned v;

	if (word_eq(k, kn, "binary") && ws->count == 2)
		return copy_word(s->ms_binary, sizeof(s->ms_binary), ws->w[1], ws->n[1]) ||
		       (fail(err, errlen, "binary name too long"), false);
	if (word_eq(k, kn, "provides") && ws->count == 2)
		return copy_word(s->ms_provides, sizeof(s->ms_provides), ws->w[1], ws->n[1]) ||
		       (fail(err, errlen, "service name too long"), false);
	if (word_eq(k, kn, "uses") && ws->count == 2) {
		if (s->ms_nuses == MANIFEST_MAX_USES)
			return fail(err, errlen, "too many uses lines"), false;
		return copy_word(s->ms_uses[s->ms_nuses++], MANIFEST_NAME_LEN, ws->w[1], ws->n[1]) ||
		       (fail(err, errlen, "service name too long"), false);
	}
	if (word_eq(k, kn, "restart") && ws->count == 2) {
		if (word_eq(ws->w[1], ws->n[1], "always"))
			s->ms_restart = RESTART_ALWAYS;
		else if (word_eq(ws->w[1], ws->n[1], "backoff"))
			s->ms_restart = RESTART_BACKOFF;
		else if (word_eq(ws->w[1], ws->n[1], "never"))
			s->ms_restart = RESTART_NEVER;
		else
			return fail(err, errlen, "restart is always, backoff or never"), false;
		return true;
	}
	if (word_eq(k, kn, "ports") && ws->count == 3)
		return (parse_num(ws->w[1], ws->n[1], &s->ms_port_first) &&
		        parse_num(ws->w[2], ws->n[2], &s->ms_port_count) && s->ms_port_count > 0 &&
		        s->ms_port_first <= 65535 && s->ms_port_count <= 65536 - s->ms_port_first) ||
		       (fail(err, errlen, "ports wants a first port and a count within 0-65535"), false);
	if (word_eq(k, kn, "devmem") && ws->count == 3) {
		if (s->ms_devmem_size)
			return fail(err, errlen, "one devmem line a server"), false;
		return (num_parse(ws->w[1], ws->n[1], &s->ms_devmem_addr) &&
		        num_parse(ws->w[2], ws->n[2], &s->ms_devmem_size) && s->ms_devmem_size > 0 &&
		        !((s->ms_devmem_addr | s->ms_devmem_size) & PAGE_MASK) &&
		        s->ms_devmem_addr + s->ms_devmem_size > s->ms_devmem_addr &&
		        s->ms_devmem_addr + s->ms_devmem_size <= MANIFEST_PHYS_END) ||
		       (fail(err, errlen, "devmem wants a page-aligned physical address and size"), false);
	}
	if (word_eq(k, kn, "control") && ws->count == 1) {
		s->ms_control = true;
		return true;
	}
	if (word_eq(k, kn, "dma") && ws->count == 1) {
		s->ms_dma = true;
		return true;
	}
	if (ws->count != 2 || !parse_num(ws->w[1], ws->n[1], &v))
		return fail(err, errlen, "unknown key, or a value that is not a number"), false;
	if (word_eq(k, kn, "priority") && v >= 1 && v <= 99)
		s->ms_priority = v;
	else if (word_eq(k, kn, "limit"))
		s->ms_limit = v;
	else if (word_eq(k, kn, "irq") && v < 24)
		s->ms_irq = (int)v;
	else if (word_eq(k, kn, "heartbeat"))
		s->ms_heartbeat_ms = v;
	else
		return fail(err, errlen, "unknown key, or a value out of range"), false;
	return true;
}

static void server_defaults(struct manifest_server *s)
{
	for (size_t i = 0; i < sizeof(*s); i++)
		((char *)s)[i] = 0;
	s->ms_priority = 50;
	s->ms_restart = RESTART_BACKOFF;
	s->ms_limit = 5;
	s->ms_irq = -1;
	s->ms_heartbeat_ms = 1000;
}

unsigned manifest_parse(const char *text, size_t len, struct manifest *m, char *err, size_t errlen)
{
	struct manifest_server *cur = NULL;
	unsigned server_line[MANIFEST_MAX_SERVERS]; /* where each block starts, for errors */
	unsigned line = 0;
	size_t i = 0;

	m->m_count = 0;
	while (i < len) {
		size_t start = i;
		struct words ws;

		while (i < len && text[i] != '\n')
			i++;
		line++;
		split(text + start, i - start, &ws);
		i++;
		if (ws.count == 0)
			continue;
		if (ws.count > 3)
			return fail(err, errlen, "too many words"), line;
		if (word_eq(ws.w[0], ws.n[0], "server")) {
			if (ws.count != 2 || m->m_count == MANIFEST_MAX_SERVERS)
				return fail(err, errlen, "server wants one name (at most 16 servers)"), line;
			server_line[m->m_count] = line;
			cur = &m->m_servers[m->m_count++];
			server_defaults(cur);
			if (!copy_word(cur->ms_name, sizeof(cur->ms_name), ws.w[1], ws.n[1]))
				return fail(err, errlen, "server name too long"), line;
			for (unsigned j = 0; j + 1 < m->m_count; j++)
				if (str_eq(cur->ms_name, m->m_servers[j].ms_name))
					return fail(err, errlen, "a second server of that name"), line;
			continue;
		}
		if (!cur)
			return fail(err, errlen, "a key before the first server line"), line;
		if (!parse_key(cur, &ws, err, errlen))
			return line;
	}
	for (unsigned j = 0; j < m->m_count; j++) {
		if (!m->m_servers[j].ms_binary[0])
			return fail(err, errlen, "a server without a binary line"), server_line[j];
		/* Only a server's loop answers heartbeats: a program that
		 * provides nothing (the shell) has none and must not be taken
		 * for hung. */
		if (!m->m_servers[j].ms_provides[0])
			m->m_servers[j].ms_heartbeat_ms = 0;
	}
	return 0;
}

/* The index of the server that provides service, or -1. */
static int provider(const struct manifest *m, const char *service)
{
	for (unsigned i = 0; i < m->m_count; i++)
		if (m->m_servers[i].ms_provides[0] && str_eq(m->m_servers[i].ms_provides, service))
			return (int)i;
	return -1;
}

int manifest_order(const struct manifest *m, unsigned *order, char *err, size_t errlen)
{
	bool placed[MANIFEST_MAX_SERVERS] = { false };
	unsigned n = 0;

	for (unsigned i = 0; i < m->m_count; i++)
		for (unsigned u = 0; u < m->m_servers[i].ms_nuses; u++)
			if (provider(m, m->m_servers[i].ms_uses[u]) < 0) {
				say(err, errlen, m->m_servers[i].ms_name, " uses ",
				    m->m_servers[i].ms_uses[u], ", which no server provides");
				return -1;
			}
	while (n < m->m_count) {
		unsigned before = n;

		for (unsigned i = 0; i < m->m_count; i++) {
			bool ready = !placed[i];

			for (unsigned u = 0; ready && u < m->m_servers[i].ms_nuses; u++)
				ready = placed[provider(m, m->m_servers[i].ms_uses[u])];
			if (ready) {
				placed[i] = true;
				order[n++] = i;
			}
		}
		if (n == before) {
			fail(err, errlen, "the servers' uses lines form a cycle");
			return -1;
		}
	}
	return 0;
}
