import { describe, expect, it } from 'vitest';
import {
  MAX_QUERY_LENGTH,
  parseListQuery,
  parseRql,
  type ListQuery,
  type RqlNode,
} from './index.js';

/** The nodes without the parser's note that a value was an unquoted word. */
const plain = (node: unknown): unknown =>
  JSON.parse(
    JSON.stringify(node ?? null, (key, value: unknown) => (key === 'bare' ? undefined : value)),
  );

function parsed(raw: string, opts?: Parameters<typeof parseListQuery>[1]): ListQuery {
  const r = parseListQuery(raw, opts);
  if (!r.ok) throw new Error(`expected ${raw} to parse, got: ${r.error}`);
  return r.value;
}

describe('parseListQuery: filters', () => {
  const table: { given: string; want: RqlNode | undefined }[] = [
    // examples from api-notes
    {
      given: 'and(eq(certificate.id,"CER-9646-2171-8417"),ne(status,"Deleted"))',
      want: {
        op: 'and',
        args: [
          { op: 'eq', path: ['certificate', 'id'], value: 'CER-9646-2171-8417' },
          { op: 'ne', path: ['status'], value: 'Deleted' },
        ],
      },
    },
    { given: "eq(status,'Active')", want: { op: 'eq', path: ['status'], value: 'Active' } },
    { given: 'status=Active', want: { op: 'eq', path: ['status'], value: 'Active' } },
    // the same, percent-encoded as a real client sends it
    { given: 'ne(status,%22Deleted%22)', want: { op: 'ne', path: ['status'], value: 'Deleted' } },
    { given: 'eq%28status%2CActive%29', want: { op: 'eq', path: ['status'], value: 'Active' } },
    // a bare expression serialized as a key with an empty value (URLSearchParams, Prism's proxy)
    { given: 'eq%28status%2CActive%29=', want: { op: 'eq', path: ['status'], value: 'Active' } },
    {
      given: 'eq%28status%2C%22Terminated%22%29=',
      want: { op: 'eq', path: ['status'], value: 'Terminated' },
    },
    // shorthand
    {
      given: 'program.id=PRG-9643-3741',
      want: { op: 'eq', path: ['program', 'id'], value: 'PRG-9643-3741' },
    },
    { given: 'name=John+Smith', want: { op: 'eq', path: ['name'], value: 'John Smith' } },
    { given: 'name=a%2Bb', want: { op: 'eq', path: ['name'], value: 'a+b' } },
    { given: 'name=%22x,y)%22', want: { op: 'eq', path: ['name'], value: 'x,y)' } },
    { given: "name='Foo, Inc (EU)'", want: { op: 'eq', path: ['name'], value: 'Foo, Inc (EU)' } },
    { given: 'licensee=null()', want: { op: 'eq', path: ['licensee'], value: null } },
    // empty() is the empty string (typed by the property later)
    { given: 'statusNotes=empty()', want: { op: 'eq', path: ['statusNotes'], value: '' } },
    { given: 'verified=true', want: { op: 'eq', path: ['verified'], value: 'true' } },
    // values
    { given: 'eq(name,John+Smith)', want: { op: 'eq', path: ['name'], value: 'John+Smith' } },
    { given: "eq(name,'a=b')", want: { op: 'eq', path: ['name'], value: 'a=b' } },
    { given: "eq(name,O'Brien)", want: { op: 'eq', path: ['name'], value: "O'Brien" } },
    { given: 'eq(name,"a,b)c")', want: { op: 'eq', path: ['name'], value: 'a,b)c' } },
    // quotes have no escape character: 'value\' is the value value\ (issue 21)
    { given: String.raw`eq(name,'value\')`, want: { op: 'eq', path: ['name'], value: 'value\\' } },
    { given: String.raw`eq(a,"b\")`, want: { op: 'eq', path: ['a'], value: 'b\\' } },
    { given: `eq(name,"it's")`, want: { op: 'eq', path: ['name'], value: "it's" } },
    { given: `eq(name,'say "hi"')`, want: { op: 'eq', path: ['name'], value: 'say "hi"' } },
    { given: 'eq(name,"")', want: { op: 'eq', path: ['name'], value: '' } },
    { given: 'eq(score,42)', want: { op: 'eq', path: ['score'], value: '42' } },
    { given: 'eq(flag,"true")', want: { op: 'eq', path: ['flag'], value: 'true' } },
    { given: 'eq(flag,false)', want: { op: 'eq', path: ['flag'], value: 'false' } },
    { given: 'eq(licensee,null())', want: { op: 'eq', path: ['licensee'], value: null } },
    { given: 'ne(statusNotes,empty())', want: { op: 'ne', path: ['statusNotes'], value: '' } },
    // whitespace in a value is kept; around a property name it is not
    { given: 'eq( status , Active )', want: { op: 'eq', path: ['status'], value: ' Active ' } },
    {
      given: 'eq(name,Jewelry Widget)',
      want: { op: 'eq', path: ['name'], value: 'Jewelry Widget' },
    },
    { given: "eq(name, 'x' )", want: { op: 'eq', path: ['name'], value: 'x' } },
    { given: 'eq("status",Active)', want: { op: 'eq', path: ['status'], value: 'Active' } },
    // operators
    {
      given: 'gt(expirationDate,2025-01-01)',
      want: { op: 'gt', path: ['expirationDate'], value: '2025-01-01' },
    },
    { given: 'ge(a,1)', want: { op: 'ge', path: ['a'], value: '1' } },
    { given: 'lt(a,1)', want: { op: 'lt', path: ['a'], value: '1' } },
    { given: 'le(a,1)', want: { op: 'le', path: ['a'], value: '1' } },
    { given: 'ilike(name,*gold*)', want: { op: 'ilike', path: ['name'], value: '*gold*' } },
    { given: 'like(name,"A*")', want: { op: 'like', path: ['name'], value: 'A*' } },
    {
      given: 'in(status,(Active,Expired))',
      want: { op: 'in', path: ['status'], values: ['Active', 'Expired'] },
    },
    { given: 'in(status,Active)', want: { op: 'in', path: ['status'], values: ['Active'] } },
    {
      given: 'out(status,("Terminated"))',
      want: { op: 'out', path: ['status'], values: ['Terminated'] },
    },
    {
      given: 'in(statusNotes,(empty(),x))',
      want: { op: 'in', path: ['statusNotes'], values: ['', 'x'] },
    },
    { given: 'or(eq(a,1))', want: { op: 'or', args: [{ op: 'eq', path: ['a'], value: '1' }] } },
    { given: 'not(eq(a,1))', want: { op: 'not', arg: { op: 'eq', path: ['a'], value: '1' } } },
    {
      given: 'any(parameters.ordering,and(eq(externalId,tier),eq(value,Gold)))',
      want: {
        op: 'any',
        path: ['parameters', 'ordering'],
        where: {
          op: 'and',
          args: [
            { op: 'eq', path: ['externalId'], value: 'tier' },
            { op: 'eq', path: ['value'], value: 'Gold' },
          ],
        },
      },
    },
    // the grammar as mpt-rql-net parses it (tests/Rql.Tests.Unit/Parsers/Linear/Services/
    // RqlParserTests.cs, tests/Rql.Tests.Integration/Tests/Functionality/BasicFilterTests.cs)
    ...(
      [
        [
          'field1=value1&field2=value2|field3=value3&field4=value4',
          {
            op: 'or',
            args: [
              {
                op: 'and',
                args: [
                  { op: 'eq', path: ['field1'], value: 'value1' },
                  { op: 'eq', path: ['field2'], value: 'value2' },
                ],
              },
              {
                op: 'and',
                args: [
                  { op: 'eq', path: ['field3'], value: 'value3' },
                  { op: 'eq', path: ['field4'], value: 'value4' },
                ],
              },
            ],
          },
        ],
        [
          'field1=value1|field2=value2&field3=value3|field4=value4',
          {
            op: 'or',
            args: [
              { op: 'eq', path: ['field1'], value: 'value1' },
              {
                op: 'and',
                args: [
                  { op: 'eq', path: ['field2'], value: 'value2' },
                  { op: 'eq', path: ['field3'], value: 'value3' },
                ],
              },
              { op: 'eq', path: ['field4'], value: 'value4' },
            ],
          },
        ],
        [
          '(field1=value1|field2=value2)&(field3=value3|field4=value4)',
          {
            op: 'and',
            args: [
              {
                op: 'or',
                args: [
                  { op: 'eq', path: ['field1'], value: 'value1' },
                  { op: 'eq', path: ['field2'], value: 'value2' },
                ],
              },
              {
                op: 'or',
                args: [
                  { op: 'eq', path: ['field3'], value: 'value3' },
                  { op: 'eq', path: ['field4'], value: 'value4' },
                ],
              },
            ],
          },
        ],
        [
          'id=PRD-1;status=active',
          {
            op: 'or',
            args: [
              { op: 'eq', path: ['id'], value: 'PRD-1' },
              { op: 'eq', path: ['status'], value: 'active' },
            ],
          },
        ],
        [
          'id=PRD-1,status=active',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['id'], value: 'PRD-1' },
              { op: 'eq', path: ['status'], value: 'active' },
            ],
          },
        ],
        [
          'id=PRD-1,eq(status,active)',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['id'], value: 'PRD-1' },
              { op: 'eq', path: ['status'], value: 'active' },
            ],
          },
        ],
        [
          'eq(id,1),name=abc',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['id'], value: '1' },
              { op: 'eq', path: ['name'], value: 'abc' },
            ],
          },
        ],
        [
          'and(id=PRD-1,status=active)',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['id'], value: 'PRD-1' },
              { op: 'eq', path: ['status'], value: 'active' },
            ],
          },
        ],
        [
          'or(id=1,id=2)',
          {
            op: 'or',
            args: [
              { op: 'eq', path: ['id'], value: '1' },
              { op: 'eq', path: ['id'], value: '2' },
            ],
          },
        ],
        [
          'not(status=processing)',
          { op: 'not', arg: { op: 'eq', path: ['status'], value: 'processing' } },
        ],
        [
          'eq(id,null())|name=abc',
          {
            op: 'or',
            args: [
              { op: 'eq', path: ['id'], value: null },
              { op: 'eq', path: ['name'], value: 'abc' },
            ],
          },
        ],
        [
          'gt(events.created.at,2020-01-01T00:00:00+00:00)',
          { op: 'gt', path: ['events', 'created', 'at'], value: '2020-01-01T00:00:00+00:00' },
        ],
        [
          "product.name='white space %26 special^ symbols!'",
          { op: 'eq', path: ['product', 'name'], value: 'white space & special^ symbols!' },
        ],
        [
          `eq(product.name,'i am "happy" is =quoted here=')`,
          { op: 'eq', path: ['product', 'name'], value: 'i am "happy" is =quoted here=' },
        ],
        [
          'any(subcollection,id=1)',
          { op: 'any', path: ['subcollection'], where: { op: 'eq', path: ['id'], value: '1' } },
        ],
        [
          'all(subcollection,id=1)',
          { op: 'all', path: ['subcollection'], where: { op: 'eq', path: ['id'], value: '1' } },
        ],
        [
          'any(orders,(id=1,id=1))',
          {
            op: 'any',
            path: ['orders'],
            where: {
              op: 'and',
              args: [
                { op: 'eq', path: ['id'], value: '1' },
                { op: 'eq', path: ['id'], value: '1' },
              ],
            },
          },
        ],
        ['any(orders)', { op: 'any', path: ['orders'] }],
        [
          'any(ordersIds,self()=1)',
          { op: 'any', path: ['ordersIds'], where: { op: 'eq', path: [], value: '1' } },
        ],
        [
          'any(ordersIds,eq(self(),1))',
          { op: 'any', path: ['ordersIds'], where: { op: 'eq', path: [], value: '1' } },
        ],
        ['lt(self(price),150.1)', { op: 'lt', path: ['price'], value: '150.1' }],
        ['eq(price,self(sellPrice))', { op: 'eq', path: ['price'], ref: ['sellPrice'] }],
        // operator names in any letter case (RqlNodeParser.cs lowers them)
        ['EQ(a,b)', { op: 'eq', path: ['a'], value: 'b' }],
        [
          'And(Eq(a,b),NOT(eq(c,d)))',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['a'], value: 'b' },
              { op: 'not', arg: { op: 'eq', path: ['c'], value: 'd' } },
            ],
          },
        ],
        // inside a call's parentheses every separator separates arguments (the library's node parsers)
        [
          'and(a=1|b=2)',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['a'], value: '1' },
              { op: 'eq', path: ['b'], value: '2' },
            ],
          },
        ],
        [
          'and((a=1|b=2),c=3)',
          {
            op: 'and',
            args: [
              {
                op: 'or',
                args: [
                  { op: 'eq', path: ['a'], value: '1' },
                  { op: 'eq', path: ['b'], value: '2' },
                ],
              },
              { op: 'eq', path: ['c'], value: '3' },
            ],
          },
        ],
        // an empty argument is skipped, as the library's parser skips empty words
        ['eq(a,,b)', { op: 'eq', path: ['a'], value: 'b' }],
        // a raw '&' between two parts joins them as it joins items inside one
        [
          'and(eq(a,1)&eq(b,2))',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['a'], value: '1' },
              { op: 'eq', path: ['b'], value: '2' },
            ],
          },
        ],
        [
          'eq(a,b),eq(c,d)',
          {
            op: 'and',
            args: [
              { op: 'eq', path: ['a'], value: 'b' },
              { op: 'eq', path: ['c'], value: 'd' },
            ],
          },
        ],
      ] as [string, RqlNode][]
    ).map(([given, want]) => ({ given, want })),
    // several top-level terms are AND-ed; empty parts ignored
    {
      given: '&status=Active&&gt(score,5)&',
      want: {
        op: 'and',
        args: [
          { op: 'eq', path: ['status'], value: 'Active' },
          { op: 'gt', path: ['score'], value: '5' },
        ],
      },
    },
    { given: '', want: undefined },
    { given: '?', want: undefined },
    { given: 'limit=5', want: undefined },
  ];

  it.each(table)('$given', ({ given, want }) => {
    expect(plain(parsed(given).filter)).toEqual(plain(want));
  });

  it('notes which values were unquoted words (they may name a property)', () => {
    expect(parseRql('eq(a,b)')).toEqual({
      ok: true,
      value: { op: 'eq', path: ['a'], value: 'b', bare: true },
    });
    expect(parseRql("eq(a,'b')")).toEqual({
      ok: true,
      value: { op: 'eq', path: ['a'], value: 'b' },
    });
  });

  it('parses the full api-notes example', () => {
    expect(
      parsed('?select=-*,id,name,status&ne(status,"Deleted")&order=name&offset=0&limit=50'),
    ).toEqual({
      filter: { op: 'ne', path: ['status'], value: 'Deleted' },
      order: [{ path: ['name'], direction: 1 }],
      select: { dropAll: true, include: [['id'], ['name'], ['status']], exclude: [] },
      limit: 50,
      offset: 0,
    });
  });

  it('keeps + literally in order= and select=', () => {
    const q = parsed('order=-audit.created.at,+name,status&select=+parameters,-audit');
    expect(q.order).toEqual([
      { path: ['audit', 'created', 'at'], direction: -1 },
      { path: ['name'], direction: 1 },
      { path: ['status'], direction: 1 },
    ]);
    expect(q.select).toEqual({ dropAll: false, include: [['parameters']], exclude: [['audit']] });
  });
});

describe('parseListQuery: limit, offset, reserved', () => {
  const table: {
    given: string;
    opts?: Parameters<typeof parseListQuery>[1];
    want: Pick<ListQuery, 'limit' | 'offset'>;
  }[] = [
    { given: '', want: { limit: 10, offset: 0 } },
    { given: 'limit=50&offset=20', want: { limit: 50, offset: 20 } },
    { given: 'limit=0', want: { limit: 0, offset: 0 } },
    { given: 'limit=100', want: { limit: 100, offset: 0 } },
    { given: 'limit=101', want: { limit: 100, offset: 0 } },
    { given: 'limit=99999999999999999999999999', want: { limit: 100, offset: 0 } },
    { given: 'limit=007', want: { limit: 7, offset: 0 } },
    { given: 'offset=1000000', want: { limit: 10, offset: 1000000 } },
    { given: '', opts: { defaultLimit: 25 }, want: { limit: 25, offset: 0 } },
    { given: 'limit=500', opts: { maxLimit: 1000 }, want: { limit: 500, offset: 0 } },
    { given: 'limit=30', opts: { maxLimit: 20 }, want: { limit: 20, offset: 0 } },
    { given: '', opts: { defaultLimit: 50, maxLimit: 20 }, want: { limit: 20, offset: 0 } },
  ];
  it.each(table)('$given $opts', ({ given, opts, want }) => {
    const q = parsed(given, opts);
    expect({ limit: q.limit, offset: q.offset }).toEqual(want);
  });

  it('skips caller-reserved parameters entirely', () => {
    const q = parsed('render=true&status=Active&debug&trace=%zz', {
      reserved: ['render', 'debug', 'trace'],
    });
    expect(plain(q.filter)).toEqual({ op: 'eq', path: ['status'], value: 'Active' });
  });
});

describe('parseListQuery: errors', () => {
  const table: { given: string; want: string }[] = [
    // operators and arguments
    { given: 'foo(a,b)', want: "unknown operator 'foo'" },
    { given: 'null()', want: 'null() is a value' },
    { given: 'self()', want: 'self() is a value' },
    { given: 'and()', want: 'and() needs at least one expression' },
    { given: 'or()', want: 'or() needs at least one expression' },
    { given: 'and(a,b)', want: "'a' is not an RQL expression" },
    { given: 'not()', want: 'missing argument: not()' },
    { given: 'not(eq(a,b),eq(c,d))', want: 'too many arguments: not()' },
    { given: 'eq(status)', want: 'missing argument: eq()' },
    { given: 'eq()', want: 'missing argument' },
    { given: 'eq(a,b,c)', want: 'too many arguments' },
    { given: 'eq(a,)', want: 'missing argument: eq()' },
    { given: 'eq(,b)', want: 'missing argument: eq()' },
    { given: 'in(status)', want: 'missing argument: in()' },
    { given: 'in(status,Active,Expired)', want: 'too many arguments: in()' },
    { given: 'in(status,())', want: 'in() needs a non-empty list of values' },
    { given: 'in(status,(null()))', want: 'null() is not allowed in in()' },
    { given: 'out(status,(a,null()))', want: 'null() is not allowed in out()' },
    { given: 'in(status,(a,(b)))', want: 'only allowed in in() and out()' },
    { given: 'eq(status,(a,b))', want: 'only allowed in in() and out()' },
    { given: 'eq(status,foo())', want: 'expected a value, got foo()' },
    { given: 'eq(status,null(x))', want: 'null() takes no arguments' },
    { given: 'eq(eq(a,b),c)', want: 'expected a property, got eq()' },
    { given: 'like(name,null())', want: 'like() needs a pattern, not null()' },
    { given: 'ilike(name,null())', want: 'ilike() needs a pattern, not null()' },
    { given: 'all(tags)', want: 'missing argument: all()' },
    { given: 'all(tags,x)', want: "'x' is not an RQL expression" },
    { given: 'any(tags,=x)', want: "missing property before '='" },
    { given: 'render(x)', want: "unknown operator 'render'" },
    { given: 'any(tags,x)', want: "'x' is not an RQL expression" },
    { given: 'e-q(a,b)', want: 'invalid operator name' },
    { given: 'ilike(name,*(eu)*)', want: "invalid operator name '*'" },
    { given: 'eq(name,a=b)', want: 'expected a value in eq(), got a=b' },
    { given: 'name=', want: "missing value after '='" },
    { given: 'name=Foo, Inc (EU)', want: "unknown operator 'inc'" },
    // refused by mpt-rql-net (RqlParserTests.cs, NegativeFilterTests.cs)
    { given: 'status=eq=processing', want: 'the form a=op=b is not RQL' },
    { given: 'not(status(processing,otherValue))', want: "unknown operator 'status'" },
    { given: 'ne(status,(processing,otherStatus))', want: 'only allowed in in() and out()' },
    { given: 'someBareWord', want: "'someBareWord' is not an RQL expression" },
    { given: '123', want: "'123' is not an RQL expression" },
    { given: '*', want: "'*' is not an RQL expression" },
    { given: '(someBareWord)', want: 'is not an RQL expression' },
    { given: 'and(eq(price,1),bareWord)', want: "'bareWord' is not an RQL expression" },
    { given: 'any(Orders,bareWord)', want: "'bareWord' is not an RQL expression" },
    { given: '()', want: 'empty expression group' },
    { given: 'and(,)', want: 'and() needs at least one expression' },
    { given: 'any()', want: 'missing argument: any() needs a collection' },
    { given: 'all()', want: 'missing argument: all() needs a collection' },
    // structure
    { given: 'eq(a,b', want: 'unbalanced parentheses' },
    { given: 'and(eq(a,b),ne(c,d)', want: "unbalanced parentheses: missing ')'" },
    { given: 'eq(a,b))', want: "unbalanced parentheses: unexpected ')' at position 7" },
    { given: 'eq(a,', want: 'unbalanced parentheses' },
    { given: 'eq(a,"b)', want: 'unterminated quote at position 5' },
    { given: "eq(a,'b", want: 'unterminated quote' },
    { given: String.raw`eq(name,'it\'s')`, want: "unexpected 's')' after a quoted value" },
    { given: 'eq(a,b)x', want: "expected ',', '&', '|', ';' or ')' at position 7" },
    { given: 'eq(a,"b"c)', want: "unexpected 'c)' after a quoted value" },
    { given: 'status', want: "'status' is not an RQL expression" },
    { given: '(a,b)', want: "'a' is not an RQL expression" },
    {
      given: `${'not('.repeat(33)}eq(a,b)${')'.repeat(33)}`,
      want: 'nesting deeper than 32 levels',
    },
    { given: 'in(a,' + '('.repeat(40), want: 'nesting deeper than 32' },
    // field names
    { given: 'eq(a..b,1)', want: 'empty field name' },
    { given: 'eq(.a,1)', want: 'empty field name' },
    { given: 'eq("",1)', want: 'empty field name' },
    { given: '=Active', want: "missing property before '='" },
    { given: 'program..id=x', want: 'empty field name' },
    { given: 'a b=c', want: "invalid field name 'a b'" },
    { given: 'name="abc', want: 'unterminated quote' },
    { given: 'name="a"b', want: "unexpected 'b' after a quoted value" },
    // encoding and size
    { given: 'eq(a,%zz)', want: 'invalid percent-encoding at position 5' },
    { given: 'name=%', want: 'invalid percent-encoding' },
    { given: 'name=%E2%82', want: 'invalid percent-encoding (not UTF-8)' },
    { given: 'limit=%4', want: 'limit: invalid percent-encoding' },
    { given: `name=${'x'.repeat(MAX_QUERY_LENGTH)}`, want: 'query too long' },
    // paging and reserved parameters
    { given: 'limit=abc', want: "limit must be a non-negative integer, got 'abc'" },
    { given: 'limit=-1', want: 'limit must be a non-negative integer' },
    { given: 'limit=1.5', want: 'limit must be a non-negative integer' },
    { given: 'limit=', want: 'limit must be a non-negative integer' },
    { given: 'limit= 5', want: 'limit must be a non-negative integer' },
    { given: 'limit', want: 'limit must be a non-negative integer' },
    { given: 'offset=x', want: 'offset must be a non-negative integer' },
    { given: 'offset=99999999999999999999', want: 'offset is too large' },
    { given: 'limit=5&limit=6', want: 'limit given more than once' },
    { given: 'offset=0&offset=0', want: 'offset given more than once' },
    { given: 'order=name&order=status', want: 'order given more than once' },
    { given: 'select=id&select=name', want: 'select given more than once' },
    // order and select terms (empty ones are skipped: order.test.ts, select.test.ts)
    { given: 'order=-', want: "bad order term '-'" },
    { given: 'order=a.', want: "bad order term 'a.'" },
    { given: 'order=na(me)', want: "bad order term 'na(me)'" },
    { given: 'order=--name', want: "bad order term '--name'" },
    { given: 'select=-', want: "bad select term '-'" },
    { given: 'select=program.', want: "bad select term 'program.'" },
  ];

  it.each(table)('$given', ({ given, want }) => {
    const r = parseListQuery(given);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(want);
  });

  it('accepts a query of exactly the maximum length', () => {
    const given = `name=${'x'.repeat(MAX_QUERY_LENGTH - 5)}`;
    expect(given).toHaveLength(MAX_QUERY_LENGTH);
    expect(parseListQuery(given).ok).toBe(true);
  });

  it('accepts 32 levels of nesting', () => {
    const given = `${'not('.repeat(31)}eq(a,b)${')'.repeat(31)}`;
    expect(parseListQuery(given).ok).toBe(true);
  });

  it('returns an error instead of throwing for non-string input', () => {
    expect(parseListQuery(undefined as unknown as string).ok).toBe(false);
  });
});
