# @TEST-DOC: An anomaly event writes an autozeekwatch.log line each time and a Notice once per originator (suppression).
# @TEST-EXEC: zeek -r $TRACES/autozeekwatch-mixed.pcap $PACKAGE %INPUT
# @TEST-EXEC: btest-diff autozeekwatch.log
# @TEST-EXEC: btest-diff notice.log

# Raised as the sidecar's answers would arrive: after the records, at the last packet's time.
event Pcap::file_done(path: string)
	{
	event AutoZeekWatch::anomaly("CAnomalyTestUid01", "http", 192.0.2.10, 49152/tcp, 198.51.100.80, 80/tcp,
	                             0.75, 0.5, "rare user_agent");
	event AutoZeekWatch::anomaly("CAnomalyTestUid02", "conn", 192.0.2.10, 49152/tcp, 198.51.100.80, 80/tcp,
	                             1.25, 0.5, "long duration");
	event AutoZeekWatch::anomaly("CAnomalyTestUid03", "dns", 192.0.2.11, 53000/udp, 198.51.100.53, 53/udp,
	                             2.5, 0.25, "rare qtype");
	}
