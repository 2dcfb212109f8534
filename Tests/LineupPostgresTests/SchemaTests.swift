import Testing

@testable import LineupPostgres

/// Migrations are split into statements before they are sent, one per query.
@Suite struct SchemaTests {
    @Test func aDollarQuotedBodyStaysOneStatement() {
        let migration = Schema.Migration(name: "t", sql: """
            CREATE TABLE a (x INTEGER);
            -- a comment alone is not a statement
            CREATE FUNCTION f() RETURNS INTEGER LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM 1;
                RETURN 2;
            END
            $$;
            INSERT INTO a VALUES (1);
            """)
        #expect(migration.statements.count == 3)
        #expect(migration.statements[1].contains("CREATE FUNCTION") && migration.statements[1].hasSuffix("$$"))
        #expect(migration.statements[2] == "INSERT INTO a VALUES (1)")
    }

    @Test func everyShippedMigrationSplitsIntoWholeStatements() {
        for migration in Schema.migrations {
            for statement in migration.statements {
                #expect(statement.components(separatedBy: "$$").count % 2 == 1, "\(migration.name)")
                #expect(!statement.hasSuffix(";"))
            }
        }
    }
}
