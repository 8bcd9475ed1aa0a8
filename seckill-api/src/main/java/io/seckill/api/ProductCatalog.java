package io.seckill.api;

import java.util.Optional;

/** The product service as the API sees it: price and stock counters of a product. */
public interface ProductCatalog {
  /** Price and stock counters as the product database holds them. */
  record ProductStock(long productId, String name, long priceCents, long initialStock, long available,
      long frozen, long sold) {}

  /** The product's stock, or empty when it is unknown. */
  Optional<ProductStock> stock(long productId);
}
