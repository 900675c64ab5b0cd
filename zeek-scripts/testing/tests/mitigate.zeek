# @TEST-DOC: With mitigation enabled, mitigate events become NetControl DROP rules (catch-and-release for duration 0, a timed drop otherwise) and Host_Blocked notices; never_block is refused.
# @TEST-EXEC: zeek -r $TRACES/autozeekwatch-mixed.pcap $PACKAGE %INPUT
# @TEST-EXEC: grep '"category":"NetControl::RULE"' netcontrol.log | sed -E 's/^\{"ts":[0-9.]+,"rule_id":"[^"]*",//' | sort >rules
# @TEST-EXEC: btest-diff rules
# @TEST-EXEC: grep -o '"note":"[^"]*","msg":"[^"]*","sub":"[^"]*","src":"[^"]*"' notice.log | sort >notices
# @TEST-EXEC: btest-diff notices

redef AutoZeekWatch::mitigation_enabled = T;
redef AutoZeekWatch::never_block += { 192.0.2.0/29 };

event NetControl::init()
	{
	NetControl::activate(NetControl::create_debug(T), 0);
	}

event Pcap::file_done(path: string)
	{
	event AutoZeekWatch::mitigate(192.0.2.66, 0secs, "beaconing", 0.9);
	event AutoZeekWatch::mitigate(192.0.2.77, 30min, "port scan", 0.8);
	event AutoZeekWatch::mitigate(192.0.2.5, 0secs, "dns tunnel", 0.95);
	}
