// npm run schema:cluster -w load-tests [-- --database touchpoint --cluster NAME]
// Prints the cluster DDL (ReplicatedMergeTree + Distributed, ON CLUSTER) generated from the
// same migrations the single node applies. Pipe it into clickhouse-client --multiquery.
import { parseArgs } from 'node:util';
import { clusterSchemaScript } from '@touchpoint/collector/storage/cluster-schema';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: process.env.CLICKHOUSE_DATABASE || 'touchpoint' },
    cluster: { type: 'string', default: '{cluster}' },
  },
});
process.stdout.write(clusterSchemaScript(values.database, { cluster: values.cluster }));
