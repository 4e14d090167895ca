// PIVOT and UNPIVOT, as the queries SQL Server defines them to be: PIVOT groups the source by
// every column but the pivot and value columns and aggregates, for each listed value, the rows
// whose pivot column equals it (SUM(CASE WHEN column = 'a' THEN value END) AS [a]); UNPIVOT is a
// row per listed column and source row, the column's name beside its value, NULL values left
// out. Each is translated as that query, a derived table under the PIVOT's alias: names, types,
// conversions and errors are the translator's own.
import type { ColumnRef, Expression, PivotTable, Query, QueryBody, Select, SelectItem, Span, TableSource, UnpivotTable } from '../ast';
import { identifier } from './astNodes';
import { sameName } from './names';
import type { Context } from './context';
import { stop } from './errors';
import type { Scope } from './scope';
import { formatSqlType, type SqlType } from './types';

type SourceTranslator = (item: TableSource, ctx: Context, outer: Scope | null) => { sources: { exposed: string; columns: { name: string; type: SqlType }[] }[] };

interface InputColumn {
  source: string;
  name: string;
  type: SqlType;
}

/** The PIVOT or UNPIVOT as the derived table it stands for. */
export function pivotQuery(item: PivotTable | UnpivotTable, ctx: Context, outer: Scope | null, translate: SourceTranslator): TableSource {
  const inputs = translate(item.source, ctx, outer).sources.flatMap((s) => s.columns.map((c) => ({ source: s.exposed, name: c.name, type: c.type })));
  const body = item.kind === 'pivot' ? pivotBody(item, inputs) : unpivotBody(item, inputs);
  const query: Query = { kind: 'query', ctes: [], body, orderBy: [], offset: null, fetch: null, ...span(item) };
  return { kind: 'derived', query, alias: item.alias, columns: [], ...span(item) };
}

function pivotBody(item: PivotTable, inputs: InputColumn[]): Select {
  const value = item.aggregate.args[0]!;
  const pivotName = item.pivotColumn.parts[item.pivotColumn.parts.length - 1]!.name;
  const valueName = value.kind === 'column' ? value.parts[value.parts.length - 1]!.name : null;
  const groups = inputs.filter((c) => !sameName(c.name, pivotName) && !(valueName !== null && sameName(c.name, valueName)));
  const at = span(item);
  const cells: SelectItem[] = item.values.map((v) => {
    const match: Expression = { kind: 'comparison', op: '=', left: item.pivotColumn, right: { kind: 'string', value: v.name, unicode: true, ...span(v) }, ...span(v) };
    const aggregate: Expression = { ...item.aggregate, args: [{ kind: 'case', operand: null, whens: [{ when: match, then: value }], else: null, ...span(v) }] };
    return { kind: 'expression', expr: aggregate, alias: v, ...span(v) };
  });
  const keys = groups.map((g) => column(g, at));
  return select([...keys.map((expr): SelectItem => ({ kind: 'expression', expr, alias: null, ...at })), ...cells], item.source, null, keys, at);
}

function unpivotBody(item: UnpivotTable, inputs: InputColumn[]): QueryBody {
  const listed = item.columns.map((c) => {
    const input = inputs.find((i) => sameName(i.name, c.name));
    if (!input) return stop(207, 16, 1, `Invalid column name '${c.name}'.`, c);
    return { written: c, input };
  });
  const first = listed[0]!.input.type;
  for (const { written, input } of listed) {
    if (formatSqlType(input.type) !== formatSqlType(first)) stop(8167, 16, 1, `The type of column "${written.name}" conflicts with the type of other columns specified in the UNPIVOT list.`, written);
  }
  const others = inputs.filter((i) => !listed.some((l) => l.input === i));
  const at = span(item);
  const members = listed.map(({ written, input }): Select => {
    const name: Expression = { kind: 'cast', syntax: 'CAST', operand: { kind: 'string', value: written.name, unicode: true, ...span(written) }, type: { name: 'nvarchar', schema: null, args: [128], ...at }, style: null, ...at };
    const valueRef = column(input, span(written));
    const items: SelectItem[] = [
      ...others.map((o): SelectItem => ({ kind: 'expression', expr: column(o, at), alias: null, ...at })),
      { kind: 'expression', expr: name, alias: item.nameColumn, ...at },
      { kind: 'expression', expr: valueRef, alias: item.valueColumn, ...at },
    ];
    return select(items, item.source, { kind: 'isNull', operand: valueRef, negated: true, ...at }, [], at);
  });
  return members.slice(1).reduce<QueryBody>((left, right) => ({ kind: 'setOperation', op: 'UNION ALL', left, right, ...at }), members[0]!);
}

function select(items: SelectItem[], from: TableSource, where: Expression | null, groupBy: Expression[], at: Span): Select {
  return { kind: 'select', distinct: false, top: null, items, into: null, from: [from], where, groupBy, having: null, ...at };
}

/** A source's column, named with its source: the pivoted source may be a join. */
function column(c: InputColumn, at: Span): ColumnRef {
  return { kind: 'column', parts: [identifier(c.source, at), identifier(c.name, at)], ...at };
}


function span(s: Span): Span {
  return { start: s.start, end: s.end };
}
