/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one source of random bytes: MAC addresses, passwords, salts. */
#ifndef VMDESK_UTIL_RANDOM_H
#define VMDESK_UTIL_RANDOM_H

#include <stddef.h>

/* Fill buf with len bytes from the kernel's generator (getrandom). */
void	random_bytes(void *, size_t);

#endif
