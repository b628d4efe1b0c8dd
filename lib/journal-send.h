/* SPDX-License-Identifier: MIT */
/*
 * Writing structured entries to journald over its native protocol (systemd's
 * docs/JOURNAL_NATIVE_PROTOCOL.md): one datagram per entry on /run/systemd/journal/socket,
 * fields as "KEY=value\n", or "KEY\n" + 64-bit little-endian length + value + "\n" when the
 * value holds a newline. No libsystemd needed. Keys: [A-Z0-9_], not starting with '_' (those
 * are journald's trusted fields), at most 64 bytes.
 */
#ifndef OOMLAB_JOURNALSEND_H
#define OOMLAB_JOURNALSEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

struct journal_entry {
	char *buf;
	size_t len, cap;
	int err; /* first error (-EINVAL bad key, -ENOMEM), sticky */
};

void journal_entry_init(struct journal_entry *e);
void journal_entry_free(struct journal_entry *e);
/* Append a field; value of vlen bytes (any bytes). */
void journal_entry_add(struct journal_entry *e, const char *key, const char *value, size_t vlen);
void journal_entry_addf(struct journal_entry *e, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool journal_key_valid(const char *key);

/* A datagram socket for sending (close-on-exec, non-blocking). Returns fd or -errno. */
int journal_socket_open(void);
/* Send one entry to path (NULL: JOURNAL_SOCKET). Returns 0 or -errno (-EAGAIN: journald busy,
 * the entry is dropped rather than blocking the daemon). */
int journal_send(int fd, const char *path, const struct journal_entry *e);

/* Parse one datagram back into fields (tests, the unit test's round trip): calls fn per field.
 * Returns the number of fields or -EINVAL. */
typedef void (*journal_field_fn)(const char *key, size_t klen, const char *val, size_t vlen,
				 void *userdata);
int journal_entry_parse(const char *buf, size_t len, journal_field_fn fn, void *userdata);

#endif
