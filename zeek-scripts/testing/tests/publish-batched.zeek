# @TEST-DOC: With the default batching no record is lost or numbered twice: per topic, each batch starts where the previous one ended.
# @TEST-EXEC: zeek -r $TRACES/autozeekwatch-mixed.pcap $PACKAGE %INPUT >output
# @TEST-EXEC: btest-diff output

global expected_seq: table[string] of count &default=0;
global totals: table[string] of count &default=0;

hook AutoZeekWatch::publishing(topic: string, node: string, stream: string, seq: count, records: vector of string)
	{
	if ( seq != expected_seq[topic] )
		print fmt("gap on %s: batch starts at %d, expected %d", topic, seq, expected_seq[topic]);
	if ( |records| == 0 || |records| > AutoZeekWatch::batch_size )
		print fmt("bad batch size %d on %s", |records|, topic);
	expected_seq[topic] = seq + |records|;
	totals[stream] += |records|;
	}

event zeek_done() &priority=-100
	{
	print "conn", totals["conn"];
	print "dns", totals["dns"];
	print "http", totals["http"];
	print "ssh", totals["ssh"];
	print "ssl", totals["ssl"];
	}
