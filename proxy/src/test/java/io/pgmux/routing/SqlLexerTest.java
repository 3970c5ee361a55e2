package io.pgmux.routing;

import io.pgmux.routing.SqlLexer.Kind;
import io.pgmux.routing.SqlLexer.Token;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SqlLexerTest {

    private static String render(String sql) {
        StringBuilder sb = new StringBuilder();
        for (Token t : SqlLexer.tokens(sql)) {
            sb.append(t.kind()).append(':').append(t.text()).append(' ');
        }
        return sb.toString().trim();
    }

    @Test
    void wordsAreLowerCasedAndQuotedIdentifiersKept() {
        assertEquals("WORD:select QUOTED_IDENT:My Col COMMA:, WORD:x DOT:. WORD:y",
                render("SELECT \"My Col\", X.y"));
    }

    @Test
    void stringsInAllTheirForms() {
        assertEquals("STRING:it's", render("'it''s'"));
        assertEquals("STRING:a'b\\c", render("E'a\\'b\\\\c'"));
        assertEquals("STRING:SET x = 1; LISTEN y", render("$$SET x = 1; LISTEN y$$"));
        assertEquals("STRING:body $x$ inner", render("$tag$body $x$ inner$tag$"));
    }

    @Test
    void commentsAreSkippedAndKept() {
        SqlLexer lexer = new SqlLexer("/* a /* nested */ still */ SELECT -- trailing\n 1");
        assertEquals(new Token(Kind.WORD, "select"), lexer.next());
        assertEquals(new Token(Kind.NUMBER, "1"), lexer.next());
        assertEquals(null, lexer.next());
        assertEquals(List.of(" a /* nested */ still ", " trailing"), lexer.comments());
    }

    @Test
    void parametersCastsAndNumbers() {
        assertEquals("WORD:where WORD:id OPERATOR:= PARAM:$1 OPERATOR::: WORD:bigint",
                render("WHERE id = $1::bigint"));
        assertEquals("NUMBER:1.5e-3 OPERATOR:+ NUMBER:.5", render("1.5e-3 + .5"));
    }

    @Test
    void unterminatedInputEndsCleanly() {
        assertEquals("STRING:abc", render("'abc"));
        assertEquals("STRING:open", render("$q$open"));
        assertEquals("WORD:select", render("SELECT /* never closed"));
    }
}
