# @TEST-DOC: By default (mitigation_enabled=F) a mitigate event adds no NetControl rule and raises a Mitigation_Refused notice.
# @TEST-EXEC: zeek -r $TRACES/autozeekwatch-mixed.pcap $PACKAGE %INPUT
# @TEST-EXEC: test -f netcontrol.log
# @TEST-EXEC-FAIL: grep -q 'NetControl::RULE' netcontrol.log
# @TEST-EXEC: grep -o '"note":"[^"]*","msg":"[^"]*","sub":"[^"]*","src":"[^"]*"' notice.log >notices
# @TEST-EXEC: btest-diff notices

event NetControl::init()
	{
	NetControl::activate(NetControl::create_debug(T), 0);
	}

event Pcap::file_done(path: string)
	{
	event AutoZeekWatch::mitigate(192.0.2.66, 0secs, "beaconing", 0.9);
	}
