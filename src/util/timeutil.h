/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Monotonic and wall clocks in milliseconds, and short sleeps. */
#ifndef VMDESK_UTIL_TIMEUTIL_H
#define VMDESK_UTIL_TIMEUTIL_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
uint64_t	time_mono_ms(void);
/* Milliseconds since the epoch. */
uint64_t	time_wall_ms(void);
/* Sleep for a number of milliseconds. */
void		time_sleep_ms(unsigned int);

#endif
