/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The entry point every fuzz target defines, for libFuzzer and the replayer. */
#ifndef VMDESK_TESTS_FUZZ_H
#define VMDESK_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Write data to a private file whose path stays the same; for file readers. */
const char	*fuzz_write_file(const char *, const uint8_t *, size_t);

#endif
