/**
 * Test traffic in SQL. Since migration 007 every raw table's `test_traffic` says what marked a
 * row as a load test, a synthetic monitor or a test project (ingest/synthetic.ts), '' for real
 * traffic, and the rollups hold real traffic only. So whatever a query reads from a raw table
 * beside a rollup (the edges of a window, a page-load count) leaves test traffic out as well;
 * a report read from the raw tables alone lets its caller choose.
 */

/** Real traffic only: the rows the rollups are made of. */
export const REAL_TRAFFIC = "test_traffic = ''";

/** The traffic a raw-table report asked for, bound as `{test:String}`: exclude, include or only (api/common.ts TEST_TRAFFIC). */
export const CHOSEN_TRAFFIC = "multiIf({test:String} = 'include', 1, {test:String} = 'only', test_traffic != '', test_traffic = '')";
