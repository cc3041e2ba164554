/* The network protocol's server side (net_srv.c): its dispatch table, and
 * the work the server loop's timer hands it. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "proto.h"

extern const struct proto_op net_ops[];
extern const size_t net_nops;

/* Sets up the tables for the server's generation (the handles carry it). */
void net_srv_init(uint64_t generation);

struct net_table;

/* Gives ifinfo and sockinfo (netinfo.c) the table to describe. */
void netinfo_init(struct net_table *t);

/* Answers the calls that can be answered now (lwIP's callbacks changed
 * their sockets, or their time is up) and reclaims the sockets of clients
 * that died; now is the kernel clock's ms. Returns the time (ms) by which
 * it wants to be called again (NET_WAIT_FOREVER: none). */
uint64_t net_srv_work(uint64_t now);
