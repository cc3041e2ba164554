/* Tab completion (see shell.h): the words that could finish the one the
 * cursor ends, for the line editor to insert or list. */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include <kestrel/error.h>
#include <kestrel/proto/supervisor.h>

#include "edit.h"
#include "shell.h"

PROTO_CLIENT(SUP_OPS)

static void offer(struct edit_matches *m, const char *word, const char *prefix, size_t len,
                  const char *suffix)
{
	size_t n = strlen(word);

	if (m->m_count == EDIT_MATCH_MAX || strncmp(word, prefix, len) != 0 || n + strlen(suffix) > EDIT_MAX)
		return;
	strcpy(m->m_word[m->m_count], word);
	strcat(m->m_word[m->m_count++], suffix);
}

/* Names in the directory the word names a path into (the word's part up
 * to its last '/'), each offered with that part before it. */
static void complete_file(struct edit_matches *m, const char *word, size_t len)
{
	char dir[EDIT_MAX + 1], full[EDIT_MAX + 1];
	size_t dlen = len;
	struct dirent *de;
	DIR *d;

	while (dlen > 0 && word[dlen - 1] != '/')
		dlen--;
	memcpy(dir, word, dlen);
	dir[dlen] = '\0';
	if (!(d = opendir(dlen ? dir : ".")))
		return;
	while ((de = readdir(d))) {
		struct stat st;
		bool is_dir;

		if (de->d_name[0] == '.' && word[dlen] != '.')
			continue; /* dot files only when asked for */
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    dlen + strlen(de->d_name) > EDIT_MAX)
			continue;
		memcpy(full, dir, dlen);
		strcpy(full + dlen, de->d_name);
		is_dir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		offer(m, full, word, len, is_dir ? "/" : "");
	}
	closedir(d);
}

void shell_complete(void *ctx, const char *line, size_t cur, struct edit_matches *m)
{
	struct shell *sh = ctx;
	size_t start = cur, first = 0, first_end;
	const char *name;
	struct sup_list_rep r;

	while (start > 0 && line[start - 1] != ' ')
		start--;
	m->m_start = start;
	while (first < start && line[first] == ' ')
		first++;
	if (first == start) { /* the first word: a command */
		for (unsigned i = 0; (name = shell_command_name(i)); i++)
			offer(m, name, line + start, cur - start, "");
		return;
	}
	for (first_end = first; first_end < start && line[first_end] != ' ';)
		first_end++;
	if ((first_end - first == 4 && strncmp(line + first, "kill", 4) == 0) ||
	    (first_end - first == 5 && strncmp(line + first, "crash", 5) == 0) ||
	    (first_end - first == 7 && strncmp(line + first, "restart", 7) == 0)) {
		for (uint64_t i = 0; sup_list(&sh->sh_sup, &(struct sup_index_req){ i }, &r) == E_OK; i++) {
			r.name[SERVER_NAME_LEN - 1] = '\0';
			offer(m, r.name, line + start, cur - start, "");
		}
		return;
	}
	complete_file(m, line + start, cur - start);
}
