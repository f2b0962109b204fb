/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * drop_replies.bpf.c - a tc program for the retransmit test: on lo
 * ingress, drops the first DROPS IPv4 TCP segments that carry data to 127.0.0.7
 * (the server's replies to that client), so the server's TCP retransmits
 * them. The kernel's own TCP_INFO total_retrans is the ground truth.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define DROPS 3
#define CLIENT_ADDR 0x7f000007u	/* 127.0.0.7 */

__u32 dropped;

SEC("tc")
int drop_replies(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp;
	__u32 payload;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	if (ip->protocol != IPPROTO_TCP || ip->daddr != bpf_htonl(CLIENT_ADDR))
		return TC_ACT_OK;
	tcp = (void *)ip + ip->ihl * 4;
	if ((void *)(tcp + 1) > end)
		return TC_ACT_OK;
	payload = bpf_ntohs(ip->tot_len) - ip->ihl * 4 - tcp->doff * 4;
	if (!payload || __sync_fetch_and_add(&dropped, 1) >= DROPS)
		return TC_ACT_OK;
	return TC_ACT_SHOT;
}
