"""Small read queries compiled to SQL once per process.

Django compiles a queryset to SQL every time it is evaluated. For the few tiny
queries behind the busiest page (an issue's questions, its footnotes) compiling
costs several times more than running them. ``PreparedRows`` compiles the query
once per database and afterwards runs the same SQL with the new key in place.

Only plain ``values_list`` queries are accepted. Columns that Django converts
after reading (dates on SQLite, for example) are converted the same way, so the
rows are exactly what the queryset would give.
"""

from django.db import connections

#: A key no row has. It stands for the real key while the query is compiled,
#: and must come out exactly once in the compiled parameters.
_MARKER = -918_273_645


class PreparedRows:
    """``rows(key)`` gives the rows of ``build(key)``, a ``values_list`` queryset.

    >>> questions = PreparedRows(lambda issue_id: Question.objects.filter(issue_id=issue_id).values_list("question"))
    >>> questions.rows(issue.pk)
    [('<p>…</p>',), …]
    """

    def __init__(self, build):
        self._build = build
        self._compiled = {}  # database alias -> (sql, params, position of the key)

    def _compile(self, alias):
        queryset = self._build(_MARKER)
        if queryset._iterable_class.__name__ != "ValuesListIterable" or queryset._fields is None:
            raise TypeError("PreparedRows takes a values_list() queryset with named fields.")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        positions = [i for i, value in enumerate(params) if value == _MARKER]
        if len(positions) != 1:
            raise ValueError(f"The key must appear exactly once in the query's parameters, not {len(positions)} times.")
        converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
        compiled = self._compiled[alias] = (sql, tuple(params), positions[0], tuple(converters.items()))
        return compiled

    def rows(self, key, using="default"):
        sql, params, position, converters = self._compiled.get(using) or self._compile(using)
        params = params[:position] + (key,) + params[position + 1 :]
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = [list(row) for row in cursor.fetchall()]
        for row in rows:  # as SQLCompiler.apply_converters does
            for index, (functions, expression) in converters:
                for convert in functions:
                    row[index] = convert(row[index], expression, connection)
        return [tuple(row) for row in rows]
