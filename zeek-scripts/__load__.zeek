##! AutoZeekWatch: stream Zeek log records to the AutoZeekWatch anomaly-scoring sidecar
##! over the WebSocket API and turn its answers into a log, Notices and NetControl drops.

@load ./main
@load ./websocket
@load ./publish
@load ./response
@load ./pcap
