# @TEST-DOC: With batch_size=1 every record of the enabled streams is published at once, numbered per topic, as to_json with nested id and numeric intervals.
# @TEST-EXEC: zeek -r $TRACES/autozeekwatch-mixed.pcap $PACKAGE %INPUT AutoZeekWatch::batch_size=1 >raw
# @TEST-EXEC: sort raw >output
# @TEST-EXEC: btest-diff output

hook AutoZeekWatch::publishing(topic: string, node: string, stream: string, seq: count, records: vector of string)
	{
	print topic, node, stream, seq, |records|;
	for ( i in records )
		{
		local rec = records[i];
		print fmt("%s nested-id=%s port-object=%s no-dotted-names=%s", stream,
		          /\"id\":\{\"orig_h\":/ in rec,
		          /\"orig_p\":\{\"port\":[0-9]+,\"proto\":\"(tcp|udp)\"\}/ in rec,
		          /\"id\.orig_h\"/ !in rec);
		if ( stream == "conn" && /\"duration\":/ in rec )
			print fmt("conn duration-is-number=%s", /\"duration\":[0-9]/ in rec);
		}
	}
