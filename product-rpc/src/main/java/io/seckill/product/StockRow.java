package io.seckill.product;

/** One product row as stored. */
public record StockRow(long id, String name, long priceCents, long initialStock, long available, long frozen,
    long sold) {
}
