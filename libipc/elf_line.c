/* Source lines from an ELF image's DWARF line table (.debug_line): each
 * unit's line-number program is run until a row covers the address, then
 * the row's file is looked up in the unit's tables. DWARF 2 to 5 (gcc
 * writes 5), 32- and 64-bit units. Every read is checked against its
 * section, since the image may be anything: a damaged table gives no
 * line, never a read outside the image or a loop without end. */
#include "elf.h"

enum {
	DW_LNS_copy = 1,
	DW_LNS_advance_pc = 2,
	DW_LNS_advance_line = 3,
	DW_LNS_set_file = 4,
	DW_LNS_const_add_pc = 8,
	DW_LNS_fixed_advance_pc = 9,
	DW_LNE_end_sequence = 1,
	DW_LNE_set_address = 2,
	DW_LNCT_path = 1,
	DW_LNCT_directory_index = 2,
	DW_FORM_data2 = 0x05,
	DW_FORM_data4 = 0x06,
	DW_FORM_data8 = 0x07,
	DW_FORM_string = 0x08,
	DW_FORM_block = 0x09,
	DW_FORM_data1 = 0x0b,
	DW_FORM_strp = 0x0e,
	DW_FORM_udata = 0x0f,
	DW_FORM_data16 = 0x1e,
	DW_FORM_line_strp = 0x1f,
};

/* Bytes being read: a read past end sets bad and gives 0. */
struct cur {
	const unsigned char *p, *end;
	bool bad;
};

/* A string section: .debug_str or .debug_line_str. */
struct strings {
	const unsigned char *s;
	uint64_t size;
};

/* One unit's header, as far as the lookup needs it. The v5 tables are
 * described by formats (pairs of content type and form) before them. */
struct unit {
	struct cur prog; /* the line-number program */
	unsigned version, offset_size;
	unsigned min_insn, line_range, opcode_base;
	int line_base;
	const unsigned char *std_lengths; /* arguments of standard opcodes 1.. */
	struct cur dir_formats, dirs, file_formats, files;
	unsigned ndir_formats, nfile_formats;
	uint64_t ndirs, nfiles; /* v5 */
	struct strings str, line_str;
};

static uint64_t get(struct cur *c, unsigned n)
{
	uint64_t v = 0;

	if (c->bad || (uint64_t)(c->end - c->p) < n) {
		c->bad = true;
		return 0;
	}
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)c->p[i] << 8 * i;
	c->p += n;
	return v;
}

static uint64_t uleb(struct cur *c)
{
	uint64_t v = 0, b;
	unsigned shift = 0;

	do {
		b = get(c, 1);
		if (shift < 64)
			v |= (b & 0x7f) << shift;
		shift += 7;
	} while ((b & 0x80) && !c->bad);
	return v;
}

static int64_t sleb(struct cur *c)
{
	uint64_t v = 0, b;
	unsigned shift = 0;

	do {
		b = get(c, 1);
		if (shift < 64)
			v |= (b & 0x7f) << shift;
		shift += 7;
	} while ((b & 0x80) && !c->bad);
	if (shift < 64 && (b & 0x40))
		v |= ~0ULL << shift;
	return (int64_t)v;
}

/* A NUL-terminated string at c, which is moved past it; NULL if the NUL is
 * not there. */
static const char *str(struct cur *c)
{
	const unsigned char *s = c->p;

	while (c->p < c->end && *c->p)
		c->p++;
	if (c->p == c->end) {
		c->bad = true;
		return NULL;
	}
	c->p++;
	return (const char *)s;
}

/* The string at off in a string section, if it ends there. */
static const char *str_at(const struct strings *s, uint64_t off)
{
	struct cur c = { s->s, s->s + s->size, false };

	if (!s->s || off >= s->size)
		return NULL;
	c.p += off;
	return str(&c);
}

/* Reads one attribute of a v5 table entry in form; a string's address goes
 * to *s, a number to *v. Returns false for a form the tables do not use. */
static bool read_form(const struct unit *u, struct cur *c, uint64_t form, const char **s, uint64_t *v)
{
	switch (form) {
	case DW_FORM_string:
		*s = str(c);
		break;
	case DW_FORM_line_strp:
		*s = str_at(&u->line_str, get(c, u->offset_size));
		break;
	case DW_FORM_strp:
		*s = str_at(&u->str, get(c, u->offset_size));
		break;
	case DW_FORM_udata:
		*v = uleb(c);
		break;
	case DW_FORM_data1:
		*v = get(c, 1);
		break;
	case DW_FORM_data2:
		*v = get(c, 2);
		break;
	case DW_FORM_data4:
		*v = get(c, 4);
		break;
	case DW_FORM_data8:
		*v = get(c, 8);
		break;
	case DW_FORM_data16: /* an MD5 */
		get(c, 8);
		get(c, 8);
		break;
	case DW_FORM_block: {
		uint64_t n = uleb(c);

		if (n > (uint64_t)(c->end - c->p))
			c->bad = true;
		else
			c->p += n;
		break;
	}
	default:
		return false;
	}
	return !c->bad;
}

/* The index-th entry of a v5 table (count entries described by nformats
 * formats): its path and, for a file, its directory's index. */
static bool v5_entry(const struct unit *u, struct cur formats, unsigned nformats, struct cur entries,
                     uint64_t count, uint64_t index, const char **path, uint64_t *dir)
{
	*path = NULL;
	if (nformats == 0)
		return false;
	for (uint64_t e = 0; e <= index && e < count; e++) {
		struct cur fm = formats;

		for (unsigned k = 0; k < nformats; k++) {
			uint64_t type = uleb(&fm), form = uleb(&fm), v = 0;
			const char *s = NULL;

			if (fm.bad || !read_form(u, &entries, form, &s, &v))
				return false;
			if (e == index && type == DW_LNCT_path)
				*path = s;
			if (e == index && type == DW_LNCT_directory_index)
				*dir = v;
		}
	}
	return *path != NULL;
}

/* Skips a v5 table's formats and entries, keeping where each starts. */
static void v5_table(const struct unit *u, struct cur *c, struct cur *formats, unsigned *nformats,
                     struct cur *entries, uint64_t *count)
{
	*nformats = (unsigned)get(c, 1);
	*formats = *c;
	for (unsigned k = 0; k < 2 * *nformats; k++)
		uleb(c);
	*count = uleb(c);
	*entries = *c;
	if (*nformats == 0 && *count > 0)
		c->bad = true; /* entries of no bytes: nothing to read them by */
	for (uint64_t e = 0; e < *count && !c->bad; e++) {
		struct cur fm = *formats;

		for (unsigned k = 0; k < *nformats && !c->bad; k++) {
			const char *s;
			uint64_t v, form;

			uleb(&fm);
			form = uleb(&fm);
			if (!read_form(u, c, form, &s, &v))
				c->bad = true;
		}
	}
}

/* Reads the header of the unit at c and moves c to the next unit. */
static bool unit_open(struct cur *c, struct unit *u)
{
	uint64_t len = get(c, 4), header;
	struct cur h;

	u->offset_size = 4;
	if (len == 0xffffffff) {
		len = get(c, 8);
		u->offset_size = 8;
	}
	if (c->bad || len > (uint64_t)(c->end - c->p)) {
		c->bad = true;
		return false;
	}
	h = (struct cur){ c->p, c->p + len, false };
	c->p += len;
	u->version = (unsigned)get(&h, 2);
	if (u->version < 2 || u->version > 5)
		return false;
	if (u->version == 5)
		get(&h, 2); /* address and segment selector sizes */
	header = get(&h, u->offset_size);
	if (h.bad || header > (uint64_t)(h.end - h.p))
		return false;
	u->prog = (struct cur){ h.p + header, h.end, false };
	u->min_insn = (unsigned)get(&h, 1);
	if (u->version >= 4)
		get(&h, 1); /* operations per instruction: for VLIW machines */
	get(&h, 1);         /* is_stmt's default */
	u->line_base = (signed char)get(&h, 1);
	u->line_range = (unsigned)get(&h, 1);
	u->opcode_base = (unsigned)get(&h, 1);
	u->std_lengths = h.p;
	if (h.bad || u->line_range == 0 || u->opcode_base == 0 ||
	    u->opcode_base - 1 > (uint64_t)(h.end - h.p))
		return false;
	h.p += u->opcode_base - 1;
	if (u->version == 5) {
		v5_table(u, &h, &u->dir_formats, &u->ndir_formats, &u->dirs, &u->ndirs);
		v5_table(u, &h, &u->file_formats, &u->nfile_formats, &u->files, &u->nfiles);
	} else {
		u->dirs = h;
		while (!h.bad && h.p < h.end && *h.p)
			str(&h);
		get(&h, 1);
		u->files = h;
	}
	return !h.bad;
}

/* Runs the unit's line-number program until a row covers addr: the rows of
 * a sequence go up in address, and a row covers the addresses up to the
 * next row's (of several rows at one address, the last). */
static bool run(const struct unit *u, uint64_t addr, uint64_t *file, uint64_t *line)
{
	struct cur c = u->prog;
	uint64_t a = 0, f = 1, pa = 0, pf = 0, pl = 0;
	int64_t l = 1;
	bool have = false; /* a row of this sequence came before */

	while (c.p < c.end && !c.bad) {
		unsigned op = (unsigned)get(&c, 1);
		bool row = false, end = false;

		if (op >= u->opcode_base) {
			op -= u->opcode_base;
			a += op / u->line_range * u->min_insn;
			l += u->line_base + (int)(op % u->line_range);
			row = true;
		} else if (op == 0) {
			uint64_t n = uleb(&c);
			struct cur x = { c.p, c.p + n, false };

			if (c.bad || n == 0 || n > (uint64_t)(c.end - c.p))
				return false;
			c.p += n;
			op = (unsigned)get(&x, 1);
			if (op == DW_LNE_end_sequence)
				row = end = true;
			else if (op == DW_LNE_set_address)
				a = get(&x, n - 1 < 8 ? (unsigned)n - 1 : 8);
		} else if (op == DW_LNS_copy) {
			row = true;
		} else if (op == DW_LNS_advance_pc) {
			a += uleb(&c) * u->min_insn;
		} else if (op == DW_LNS_advance_line) {
			l += sleb(&c);
		} else if (op == DW_LNS_set_file) {
			f = uleb(&c);
		} else if (op == DW_LNS_const_add_pc) {
			a += (255 - u->opcode_base) / u->line_range * u->min_insn;
		} else if (op == DW_LNS_fixed_advance_pc) {
			a += get(&c, 2);
		} else {
			/* Column, is_stmt, prologue and the rest: nothing the
			 * lookup needs; skip their arguments. */
			for (unsigned k = 0; k < u->std_lengths[op - 1]; k++)
				uleb(&c);
		}
		if (!row)
			continue;
		if (have && pa <= addr && addr < a) {
			*file = pf;
			*line = pl;
			return true;
		}
		pa = a;
		pf = f;
		pl = (uint64_t)l;
		have = !end;
		if (end) {
			a = 0;
			f = 1;
			l = 1;
		}
	}
	return false;
}

/* The index-th file's name and its directory's (NULL: none, or the
 * compilation's own). */
static bool file_name(const struct unit *u, uint64_t index, const char **dir, const char **name)
{
	uint64_t d = 0;
	struct cur c = u->files;

	*dir = NULL;
	if (u->version == 5)
		return v5_entry(u, u->file_formats, u->nfile_formats, u->files, u->nfiles, index, name, &d) &&
		       (d == 0 ||
		        v5_entry(u, u->dir_formats, u->ndir_formats, u->dirs, u->ndirs, d, dir, &d));
	for (uint64_t i = 1; i <= index; i++) { /* v2 to 4: files count from 1 */
		if (c.p >= c.end || !*c.p || !(*name = str(&c)))
			return false;
		d = uleb(&c);
		uleb(&c); /* modification time */
		uleb(&c); /* size */
	}
	if (index == 0 || c.bad)
		return false;
	c = u->dirs; /* directories count from 1; 0 is the compilation's */
	for (uint64_t i = 1; i <= d; i++)
		if (c.p >= c.end || !*c.p || !(*dir = str(&c)))
			return false;
	return true;
}

/* Appends s to out (size bytes, NUL-terminated); returns the new length. */
static size_t append(char *out, size_t size, size_t len, const char *s)
{
	for (; *s && len + 1 < size; s++)
		out[len++] = *s;
	out[len] = '\0';
	return len;
}

bool elf_line(const struct elf_file *f, uint64_t addr, char *file, size_t size, unsigned *line)
{
	uint64_t n = 0;
	const unsigned char *lines = elf_section_data(f, ".debug_line", &n);
	struct cur c = { lines, lines + n, false };
	struct unit u;

	u.str.size = u.line_str.size = 0;
	u.str.s = elf_section_data(f, ".debug_str", &u.str.size);
	u.line_str.s = elf_section_data(f, ".debug_line_str", &u.line_str.size);
	while (lines && size > 0 && c.p < c.end && !c.bad) {
		const char *dir, *name;
		uint64_t fi, l;
		size_t len = 0;

		if (!unit_open(&c, &u) || !run(&u, addr, &fi, &l))
			continue;
		if (!file_name(&u, fi, &dir, &name))
			return false;
		if (dir && dir[0] != '/' && name[0] != '/') {
			len = append(file, size, len, dir);
			len = append(file, size, len, "/");
		}
		append(file, size, len, name);
		*line = (unsigned)l;
		return true;
	}
	return false;
}
