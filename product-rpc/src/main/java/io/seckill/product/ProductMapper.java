package io.seckill.product;

import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Select;
import org.apache.ibatis.annotations.Update;

/** SQL of the product table. Every change moves units between counters in ONE guarded UPDATE. */
public interface ProductMapper {

  /**
   * Try: moves {@code q} units from available to frozen if that many are available. One conditional
   * UPDATE, so concurrent Tries on a hot row queue on the row lock and never oversell.
   */
  @Update("UPDATE product SET available = available - #{q}, frozen = frozen + #{q}"
      + " WHERE id = #{id} AND available >= #{q}")
  int freeze(@Param("id") long id, @Param("q") int q);

  /** Confirm: moves {@code q} frozen units to sold. */
  @Update("UPDATE product SET frozen = frozen - #{q}, sold = sold + #{q} WHERE id = #{id} AND frozen >= #{q}")
  int sell(@Param("id") long id, @Param("q") int q);

  /** Cancel: moves {@code q} frozen units back to available. */
  @Update("UPDATE product SET frozen = frozen - #{q}, available = available + #{q}"
      + " WHERE id = #{id} AND frozen >= #{q}")
  int release(@Param("id") long id, @Param("q") int q);

  /** The counters of one product, or null. */
  @Select("SELECT id, name, price_cents, initial_stock, available, frozen, sold FROM product WHERE id = #{id}")
  StockRow find(@Param("id") long id);

  /** 1 when the product exists, else null; tells "unknown" from "sold out" after a refused freeze. */
  @Select("SELECT 1 FROM product WHERE id = #{id}")
  Integer exists(@Param("id") long id);

  /** Expiry: an expired order's {@code q} sold units go back to available. */
  @Update("UPDATE product SET sold = sold - #{q}, available = available + #{q} WHERE id = #{id} AND sold >= #{q}")
  int unsell(@Param("id") long id, @Param("q") int q);
}
