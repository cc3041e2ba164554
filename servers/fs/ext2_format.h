/* The ext2 on-disk format, revision 1: the superblock, the group
 * descriptor, the inode and the directory entry, as the bytes lie on the
 * disk (little-endian, like the CPUs this runs on). Nothing here is
 * trusted: ext2.c validates every field before it is used. */
#pragma once

#include <stddef.h>
#include <stdint.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "ext2 fields are read in place: little-endian only");

#define EXT2_SUPER_OFFSET   1024 /* bytes from the start of the disk */
#define EXT2_SUPER_SIZE     1024
#define EXT2_MAGIC          0xEF53
#define EXT2_DYNAMIC_REV    1
#define EXT2_GOOD_OLD_ISIZE 128
#define EXT2_ROOT_INO       2
#define EXT2_FIRST_INO_MIN  11 /* inodes below s_first_ino are the format's own */
#define EXT2_NDIR_BLOCKS    12
#define EXT2_IND_BLOCK      12
#define EXT2_DIND_BLOCK     13
#define EXT2_TIND_BLOCK     14
#define EXT2_N_BLOCKS       15
#define EXT2_NAME_LEN       255
#define EXT2_LINK_MAX       32000
#define EXT2_FAST_LINK_MAX  60 /* a symlink shorter than i_block lives in it */

/* s_state */
#define EXT2_VALID_FS 0x0001 /* unmounted cleanly */
#define EXT2_ERROR_FS 0x0002

/* Features. Compatible ones may be ignored; read-only-compatible ones may
 * be read but not written without understanding them; incompatible ones
 * may not be read at all. */
#define EXT2_COMPAT_HAS_JOURNAL   0x0004
#define EXT2_COMPAT_EXT_ATTR      0x0008
#define EXT2_COMPAT_RESIZE_INODE  0x0010
#define EXT2_COMPAT_DIR_INDEX     0x0020
#define EXT2_INCOMPAT_COMPRESSION 0x0001
#define EXT2_INCOMPAT_FILETYPE    0x0002
#define EXT2_INCOMPAT_RECOVER     0x0004
#define EXT2_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_INCOMPAT_META_BG     0x0010
#define EXT2_INCOMPAT_EXTENTS     0x0040
#define EXT2_INCOMPAT_64BIT       0x0080
#define EXT2_INCOMPAT_MMP         0x0100
#define EXT2_INCOMPAT_FLEX_BG     0x0200
#define EXT2_INCOMPAT_EA_INODE    0x0400
#define EXT2_INCOMPAT_DIRDATA     0x1000
#define EXT2_INCOMPAT_CSUM_SEED   0x2000
#define EXT2_INCOMPAT_LARGEDIR    0x4000
#define EXT2_INCOMPAT_INLINE_DATA 0x8000
#define EXT2_INCOMPAT_ENCRYPT     0x10000
#define EXT2_INCOMPAT_CASEFOLD    0x20000
#define EXT2_RO_COMPAT_SPARSE     0x0001
#define EXT2_RO_COMPAT_LARGE_FILE 0x0002
#define EXT2_RO_COMPAT_BTREE_DIR  0x0004 /* never used by any implementation */
#define EXT2_RO_COMPAT_HUGE_FILE  0x0008
#define EXT2_RO_COMPAT_GDT_CSUM   0x0010
#define EXT2_RO_COMPAT_DIR_NLINK  0x0020
#define EXT2_RO_COMPAT_EXTRA_ISZ  0x0040
#define EXT2_RO_COMPAT_QUOTA      0x0100
#define EXT2_RO_COMPAT_BIGALLOC   0x0200
#define EXT2_RO_COMPAT_META_CSUM  0x0400
#define EXT2_RO_COMPAT_READONLY   0x1000
#define EXT2_RO_COMPAT_PROJECT    0x2000

/* What this implementation understands: reads need every incompatible
 * feature set to be in EXT2_INCOMPAT_OK, writes need every read-only
 * compatible one to be in EXT2_RO_COMPAT_OK as well. */
#define EXT2_INCOMPAT_OK  EXT2_INCOMPAT_FILETYPE
#define EXT2_RO_COMPAT_OK (EXT2_RO_COMPAT_SPARSE | EXT2_RO_COMPAT_LARGE_FILE | EXT2_RO_COMPAT_BTREE_DIR)

struct ext2_super {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << this */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	int16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algo_bitmap;
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	uint8_t s_rest[EXT2_SUPER_SIZE - 208]; /* journal, hash seed, ext4 fields */
};
_Static_assert(sizeof(struct ext2_super) == EXT2_SUPER_SIZE, "superblock is 1024 bytes");
_Static_assert(offsetof(struct ext2_super, s_magic) == 56, "s_magic at 56");
_Static_assert(offsetof(struct ext2_super, s_feature_compat) == 92, "features at 92");
_Static_assert(offsetof(struct ext2_super, s_reserved_gdt_blocks) == 206, "s_reserved_gdt_blocks at 206");

struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_flags;
	uint8_t bg_reserved[12];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "a descriptor is written as the 32 bytes it is");
_Static_assert(sizeof(struct ext2_group_desc) == 32, "group descriptor is 32 bytes without 64bit");

/* The first 128 bytes of every inode; bytes beyond (s_inode_size > 128)
 * are kept as they are, except that a new inode gets i_extra_isize. */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* in 512-byte units, indirect blocks included */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high; /* regular files with large_file */
	uint32_t i_faddr;
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint32_t i_reserved2;
};
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_ISIZE, "inode base is 128 bytes");
_Static_assert(offsetof(struct ext2_inode, i_block) == 40, "i_block at 40");
_Static_assert(offsetof(struct ext2_inode, i_size_high) == 108, "i_size_high at 108");

#define EXT2_EXTRA_ISIZE 32 /* what a new inode of a 256-byte inode table gets */

/* i_flags */
#define EXT2_INDEX_FL   0x00001000 /* directory has an htree index */
#define EXT2_EXTENTS_FL 0x00080000 /* ext4 extents: never in a filesystem we mount */

/* i_mode's type bits (the same values as POSIX's S_IF*). */
#define EXT2_S_IFMT   0xF000
#define EXT2_S_IFSOCK 0xC000
#define EXT2_S_IFLNK  0xA000
#define EXT2_S_IFREG  0x8000
#define EXT2_S_IFBLK  0x6000
#define EXT2_S_IFDIR  0x4000
#define EXT2_S_IFCHR  0x2000
#define EXT2_S_IFIFO  0x1000

/* A directory entry: 8 bytes then the name, padded to 4 bytes; rec_len
 * takes it to the next entry, and the last entry of a block reaches the
 * block's end. inode 0 marks an unused entry. Without the filetype
 * feature, name_len is 16 bits and file_type its high byte. */
struct ext2_dirent {
	uint32_t inode;
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[];
};
_Static_assert(sizeof(struct ext2_dirent) == 8, "directory entry header is 8 bytes");

#define EXT2_DIRENT_LEN(name_len) ((8u + (name_len) + 3u) & ~3u)

/* file_type */
#define EXT2_FT_UNKNOWN  0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR      2
#define EXT2_FT_CHRDEV   3
#define EXT2_FT_BLKDEV   4
#define EXT2_FT_FIFO     5
#define EXT2_FT_SOCK     6
#define EXT2_FT_SYMLINK  7
