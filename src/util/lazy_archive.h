/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libarchive, for archives, ISO images and the initramfs, loaded on first
 * use: include this instead of the library's header, and call
 * lazy_archive_load() before the first call.
 */
#ifndef VMDESK_UTIL_LAZY_ARCHIVE_H
#define VMDESK_UTIL_LAZY_ARCHIVE_H

#include <archive.h>
#include <archive_entry.h>

#include "util/lazy.h"

#define LAZY_ARCHIVE_SYMS(X) \
	X(archive_entry_filetype) \
	X(archive_entry_free) \
	X(archive_entry_hardlink) \
	X(archive_entry_new) \
	X(archive_entry_pathname) \
	X(archive_entry_set_filetype) \
	X(archive_entry_set_gid) \
	X(archive_entry_set_ino) \
	X(archive_entry_set_mtime) \
	X(archive_entry_set_nlink) \
	X(archive_entry_set_pathname) \
	X(archive_entry_set_perm) \
	X(archive_entry_set_rdevmajor) \
	X(archive_entry_set_rdevminor) \
	X(archive_entry_set_size) \
	X(archive_entry_set_symlink) \
	X(archive_entry_set_uid) \
	X(archive_entry_size) \
	X(archive_entry_size_is_set) \
	X(archive_entry_symlink) \
	X(archive_errno) \
	X(archive_error_string) \
	X(archive_format) \
	X(archive_read_data) \
	X(archive_read_free) \
	X(archive_read_new) \
	X(archive_read_next_header) \
	X(archive_read_open) \
	X(archive_read_open_filename) \
	X(archive_read_open_memory) \
	X(archive_read_support_filter_all) \
	X(archive_read_support_format_ar) \
	X(archive_read_support_format_gnutar) \
	X(archive_read_support_format_iso9660) \
	X(archive_read_support_format_raw) \
	X(archive_read_support_format_tar) \
	X(archive_read_support_format_zip) \
	X(archive_set_error) \
	X(archive_write_add_filter_gzip) \
	X(archive_write_add_filter_zstd) \
	X(archive_write_close) \
	X(archive_write_data) \
	X(archive_write_free) \
	X(archive_write_header) \
	X(archive_write_new) \
	X(archive_write_open_fd) \
	X(archive_write_open_filename) \
	X(archive_write_set_bytes_in_last_block) \
	X(archive_write_set_format_cpio_newc) \
	X(archive_write_set_format_iso9660) \
	X(archive_write_set_format_option) \
	X(archive_write_set_format_pax_restricted)

LAZY_ARCHIVE_SYMS(LAZY_DECLARE)

#ifndef LAZY_ARCHIVE_SELF
#define archive_entry_filetype (*lazy_archive_entry_filetype)
#define archive_entry_free (*lazy_archive_entry_free)
#define archive_entry_hardlink (*lazy_archive_entry_hardlink)
#define archive_entry_new (*lazy_archive_entry_new)
#define archive_entry_pathname (*lazy_archive_entry_pathname)
#define archive_entry_set_filetype (*lazy_archive_entry_set_filetype)
#define archive_entry_set_gid (*lazy_archive_entry_set_gid)
#define archive_entry_set_ino (*lazy_archive_entry_set_ino)
#define archive_entry_set_mtime (*lazy_archive_entry_set_mtime)
#define archive_entry_set_nlink (*lazy_archive_entry_set_nlink)
#define archive_entry_set_pathname (*lazy_archive_entry_set_pathname)
#define archive_entry_set_perm (*lazy_archive_entry_set_perm)
#define archive_entry_set_rdevmajor (*lazy_archive_entry_set_rdevmajor)
#define archive_entry_set_rdevminor (*lazy_archive_entry_set_rdevminor)
#define archive_entry_set_size (*lazy_archive_entry_set_size)
#define archive_entry_set_symlink (*lazy_archive_entry_set_symlink)
#define archive_entry_set_uid (*lazy_archive_entry_set_uid)
#define archive_entry_size (*lazy_archive_entry_size)
#define archive_entry_size_is_set (*lazy_archive_entry_size_is_set)
#define archive_entry_symlink (*lazy_archive_entry_symlink)
#define archive_errno (*lazy_archive_errno)
#define archive_error_string (*lazy_archive_error_string)
#define archive_format (*lazy_archive_format)
#define archive_read_data (*lazy_archive_read_data)
#define archive_read_free (*lazy_archive_read_free)
#define archive_read_new (*lazy_archive_read_new)
#define archive_read_next_header (*lazy_archive_read_next_header)
#define archive_read_open (*lazy_archive_read_open)
#define archive_read_open_filename (*lazy_archive_read_open_filename)
#define archive_read_open_memory (*lazy_archive_read_open_memory)
#define archive_read_support_filter_all (*lazy_archive_read_support_filter_all)
#define archive_read_support_format_ar (*lazy_archive_read_support_format_ar)
#define archive_read_support_format_gnutar \
	(*lazy_archive_read_support_format_gnutar)
#define archive_read_support_format_iso9660 \
	(*lazy_archive_read_support_format_iso9660)
#define archive_read_support_format_raw (*lazy_archive_read_support_format_raw)
#define archive_read_support_format_tar (*lazy_archive_read_support_format_tar)
#define archive_read_support_format_zip (*lazy_archive_read_support_format_zip)
#define archive_set_error (*lazy_archive_set_error)
#define archive_write_add_filter_gzip (*lazy_archive_write_add_filter_gzip)
#define archive_write_add_filter_zstd (*lazy_archive_write_add_filter_zstd)
#define archive_write_close (*lazy_archive_write_close)
#define archive_write_data (*lazy_archive_write_data)
#define archive_write_free (*lazy_archive_write_free)
#define archive_write_header (*lazy_archive_write_header)
#define archive_write_new (*lazy_archive_write_new)
#define archive_write_open_fd (*lazy_archive_write_open_fd)
#define archive_write_open_filename (*lazy_archive_write_open_filename)
#define archive_write_set_bytes_in_last_block \
	(*lazy_archive_write_set_bytes_in_last_block)
#define archive_write_set_format_cpio_newc \
	(*lazy_archive_write_set_format_cpio_newc)
#define archive_write_set_format_iso9660 \
	(*lazy_archive_write_set_format_iso9660)
#define archive_write_set_format_option (*lazy_archive_write_set_format_option)
#define archive_write_set_format_pax_restricted \
	(*lazy_archive_write_set_format_pax_restricted)
#endif

/* Load the library once; -1 and *cause when it is missing. */
int	lazy_archive_load(char **);

#endif
