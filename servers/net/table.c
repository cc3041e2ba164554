/* The network server's client and socket tables (table.h). */
#include "table.h"

#include <errno.h>
#include <string.h>

#define HANDLE(gen, serial, index) ((uint64_t)(gen) << 32 | (uint64_t)(serial) << 16 | (index))
#define HANDLE_SERIAL(h)           ((uint16_t)((h) >> 16))
#define HANDLE_INDEX(h)            ((unsigned)((h)&0xFFFF))

_Static_assert(NET_SOCKETS <= 0x10000 && NET_CLIENTS <= 256, "indexes fit handles and ns_client");

void table_init(struct net_table *t, uint64_t generation)
{
	memset(t, 0, sizeof(*t));
	t->nt_generation = generation;
}

struct net_client *table_client(struct net_table *t, uint64_t badge)
{
	for (unsigned i = 0; badge && i < NET_CLIENTS; i++)
		if (t->nt_clients[i].nc_badge == badge)
			return &t->nt_clients[i];
	return NULL;
}

long table_client_add(struct net_table *t, uint64_t badge, uint64_t session, struct net_client **c)
{
	struct net_client *free = NULL;

	if (!badge)
		return NET_ERROR(EACCES);
	for (unsigned i = 0; !free && i < NET_CLIENTS; i++)
		if (!t->nt_clients[i].nc_badge)
			free = &t->nt_clients[i];
	if (!free)
		return NET_ERROR(ENFILE);
	*free = (struct net_client){ .nc_badge = badge, .nc_session = session };
	*c = free;
	return 0;
}

long table_sock_alloc(struct net_table *t, struct net_client *c, unsigned type, struct net_sock **s)
{
	if (c->nc_sockets >= NET_SOCKETS_PER_CLIENT)
		return NET_ERROR(EMFILE);
	for (unsigned i = 0; i < NET_SOCKETS; i++) {
		struct net_sock *n = &t->nt_socks[i];
		uint16_t serial;

		if (n->ns_used)
			continue;
		serial = (uint16_t)(n->ns_serial + 1);
		*n = (struct net_sock){ .ns_used = true,
			                .ns_serial = serial ? serial : 1,
			                .ns_client = (uint8_t)(c - t->nt_clients),
			                .ns_type = (uint8_t)type };
		c->nc_sockets++;
		*s = n;
		return 0;
	}
	return NET_ERROR(ENFILE);
}

void table_sock_free(struct net_table *t, struct net_sock *s)
{
	struct net_client *c = table_owner(t, s);

	s->ns_used = false;
	if (--c->nc_sockets == 0)
		c->nc_badge = 0;
}

uint64_t table_handle(const struct net_table *t, const struct net_sock *s)
{
	return HANDLE(t->nt_generation, s->ns_serial, table_index(t, s));
}

struct net_sock *table_sock_by_handle(struct net_table *t, uint64_t handle)
{
	struct net_sock *s;

	if (NET_HANDLE_GENERATION(handle) != t->nt_generation || HANDLE_INDEX(handle) >= NET_SOCKETS)
		return NULL;
	s = &t->nt_socks[HANDLE_INDEX(handle)];
	return s->ns_used && s->ns_serial == HANDLE_SERIAL(handle) ? s : NULL;
}

long table_sock_get(struct net_table *t, uint64_t badge, uint64_t handle, struct net_sock **s)
{
	struct net_sock *n = table_sock_by_handle(t, handle);

	if (NET_HANDLE_GENERATION(handle) != t->nt_generation)
		return NET_ERROR(ESTALE);
	if (!n || table_owner(t, n)->nc_badge != badge)
		return NET_ERROR(EBADF);
	*s = n;
	return 0;
}

struct net_sock *table_sock_next(struct net_table *t, const struct net_client *c,
                                 const struct net_sock *after)
{
	unsigned from = after ? table_index(t, after) + 1 : 0;

	for (unsigned i = from; i < NET_SOCKETS; i++)
		if (t->nt_socks[i].ns_used && &t->nt_clients[t->nt_socks[i].ns_client] == c)
			return &t->nt_socks[i];
	return NULL;
}

struct net_client *table_owner(struct net_table *t, const struct net_sock *s)
{
	return &t->nt_clients[s->ns_client];
}

unsigned table_index(const struct net_table *t, const struct net_sock *s)
{
	return (unsigned)(s - t->nt_socks);
}
