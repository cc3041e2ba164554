/* Directory streams (opendir, readdir, closedir) over the filesystem
 * server, in fs_glue.c. picolibc's own <dirent.h> is a stub that stops the
 * build with #error on a system it does not know; libc-glue's include
 * directory comes before picolibc's, so programs find this one. */
#pragma once

#include <sys/types.h>

/* d_type: the file type bits of st_mode shifted right by 12, as on BSD
 * and Linux, and as the protocol's fs_dirent carries them. */
#define DT_UNKNOWN 0
#define DT_FIFO    1
#define DT_CHR     2
#define DT_DIR     4
#define DT_BLK     6
#define DT_REG     8
#define DT_LNK     10
#define DT_SOCK    12

struct dirent {
	ino_t d_ino;
	unsigned char d_type; /* DT_* */
	char d_name[256];     /* NUL-terminated */
};

/* An open directory: its handle and where the next entries start. */
typedef struct glue_dir DIR;

/* NULL with errno (ENOENT, ENOTDIR, ...) on failure. */
DIR *opendir(const char *path);
/* The next entry, or NULL at the end (errno unchanged) or on an error
 * (errno set). The entry stays valid until the next call on dir. */
struct dirent *readdir(DIR *dir);
void rewinddir(DIR *dir);
int closedir(DIR *dir);
