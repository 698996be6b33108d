package dev.sqlgit.typed;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the table a record maps to, when the convention (the record's simple name in {@code
 * snake_case}: {@code Account} → {@code account}, {@code BankTransaction} → {@code
 * bank_transaction}) does not fit.
 *
 * <pre>{@code
 * @Table("accounts")
 * record Account(String id, String name, long balance) {}
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Table {
  /** The table's name. */
  String value();
}
