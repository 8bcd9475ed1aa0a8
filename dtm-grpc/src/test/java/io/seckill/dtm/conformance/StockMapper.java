package io.seckill.dtm.conformance;

import org.apache.ibatis.annotations.Insert;
import org.apache.ibatis.annotations.Param;
import org.apache.ibatis.annotations.Update;

/** The test branch's business SQL through MyBatis (the other half of the servers use plain JDBC). */
public interface StockMapper {
  @Update("UPDATE stock SET available = available - #{q}, frozen = frozen + #{q} WHERE name = #{name} AND available >= #{q}")
  int freeze(@Param("name") String name, @Param("q") int q);

  @Update("UPDATE stock SET frozen = frozen - #{q}, sold = sold + #{q} WHERE name = #{name} AND frozen >= #{q}")
  int sell(@Param("name") String name, @Param("q") int q);

  @Update("UPDATE stock SET frozen = frozen - #{q}, available = available + #{q} WHERE name = #{name} AND frozen >= #{q}")
  int release(@Param("name") String name, @Param("q") int q);

  @Insert("INSERT INTO op_log (gid, branch_id, op) VALUES (#{gid}, #{branch}, #{op})")
  int log(@Param("gid") String gid, @Param("branch") String branch, @Param("op") String op);
}
