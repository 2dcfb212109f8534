import Foundation

extension Forest {
    /// The model as XGBoost's `Booster.save_model("model.json")` writes it (the layout of
    /// XGBoost 3.x), so that `xgboost.Booster(model_file=...)` loads it and predicts what
    /// Lineup predicts: how models Lineup trains leave Lineup.
    ///
    /// Fields XGBoost keeps and Lineup does not are filled the way XGBoost reads them: an
    /// inner node's `base_weights` is its cover-weighted mean value (what TreeSHAP uses),
    /// `loss_changes` are the split gains when the tree carries them, else 0, and a ranking
    /// objective's parameters are how it was trained (XGBoost's defaults when unknown), with
    /// the position bias where XGBoost keeps it (`ti+`, `tj-`) when it learned from clicks.
    public func xgboostJSON() -> Data {
        var trees: [String] = []
        trees.reserveCapacity(self.trees.count)
        for (index, tree) in self.trees.enumerated() {
            trees.append(Self.json(tree, id: index, means: meanValues[index], featureCount: featureCount))
        }
        let names = (featureNames ?? []).map(Self.quoted).joined(separator: ",")
        let objectiveParameters = objective.isRanking
            ? Self.json(lambdaRank ?? LambdaRankParameters())
            : #""reg_loss_param":{"scale_pos_weight":"1"}"#
        let text = """
            {"learner":{"attributes":{},"feature_names":[\(names)],"feature_types":[],\
            "gradient_booster":{"model":{"cats":{"enc":[],"feature_segments":[],"sorted_idx":[]},\
            "gbtree_model_param":{"num_parallel_tree":"1","num_trees":"\(self.trees.count)"},\
            "iteration_indptr":[\((0...self.trees.count).map(String.init).joined(separator: ","))],\
            "tree_info":[\(Array(repeating: "0", count: self.trees.count).joined(separator: ","))],\
            "trees":[\(trees.joined(separator: ","))]},"name":"gbtree"},\
            "learner_model_param":{"base_score":"[\(Self.number(baseScore))]","boost_from_average":"1","num_class":"0",\
            "num_feature":"\(featureCount)","num_target":"1"},\
            "objective":{"name":"\(objective.rawValue)",\(objectiveParameters)}},\
            "version":[3,2,0]}
            """
        return Data(text.utf8)
    }

    /// `lambdarank_param` as XGBoost writes it (every value a string; an unset pair count is
    /// UInt32.max), and `ti+` / `tj-` after it for an unbiased model.
    private static func json(_ parameters: LambdaRankParameters) -> String {
        func flag(_ value: Bool) -> String { value ? "1" : "0" }
        let pairs = parameters.pairsPerSample.map(String.init) ?? String(UInt32.max)
        var text = #""lambdarank_param":{"lambdarank_bias_norm":"\#(shortest(parameters.biasNorm))","#
            + #""lambdarank_normalization":"\#(flag(parameters.normalization))","#
            + #""lambdarank_num_pair_per_sample":"\#(pairs)","lambdarank_pair_method":"\#(parameters.pairMethod.rawValue)","#
            + #""lambdarank_score_normalization":"\#(flag(parameters.scoreNormalization))","#
            + #""lambdarank_unbiased":"\#(flag(parameters.unbiased))","#
            + #""ndcg_exp_gain":"\#(flag(parameters.exponentialGain))"}"#
        if parameters.unbiased {
            let bias = parameters.positionBias ?? .init(plus: [], minus: [])
            func list(_ values: [Double]) -> String { "[" + values.map { number(Float($0)) }.joined(separator: ",") + "]" }
            text += #","ti+":\#(list(bias.plus)),"tj-":\#(list(bias.minus))"#
        }
        return text
    }

    /// A Double as XGBoost's parameter strings have it: "1" rather than "1.0".
    private static func shortest(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
    }

    private static func json(_ tree: Tree, id: Int, means: [Float], featureCount: Int) -> String {
        let count = tree.nodeCount
        var parents = [Int32](repeating: Int32.max, count: count)
        for node in 0..<count where !tree.isLeaf(node) {
            parents[Int(tree.left[node])] = Int32(node)
            parents[Int(tree.right[node])] = Int32(node)
        }
        let weights = (0..<count).map { tree.isLeaf($0) ? tree.threshold[$0] : means[$0] }
        let gains = tree.gain ?? [Float](repeating: 0, count: count)
        func list<T>(_ values: [T], _ format: (T) -> String) -> String { "[" + values.map(format).joined(separator: ",") + "]" }
        let zeros = list(Array(repeating: 0, count: count)) { String($0) }
        return """
            {"base_weights":\(list(weights, number)),"categories":[],"categories_nodes":[],"categories_segments":[],\
            "categories_sizes":[],"default_left":\(list(tree.defaultLeft) { $0 ? "1" : "0" }),"id":\(id),\
            "left_children":\(list(tree.left) { String($0) }),"loss_changes":\(list(gains, number)),\
            "parents":\(list(parents) { String($0) }),"right_children":\(list(tree.right) { String($0) }),\
            "split_conditions":\(list(tree.threshold, number)),"split_indices":\(list(tree.feature) { String($0) }),\
            "split_type":\(zeros),"sum_hessian":\(list(tree.cover, number)),\
            "tree_param":{"num_deleted":"0","num_feature":"\(featureCount)","num_nodes":"\(count)","size_leaf_vector":"1"}}
            """
    }

    /// The shortest decimal that reads back as the same Float32 (JSON has no NaN or ∞;
    /// trees never hold them: `Tree.validate` and the trainer see to it).
    private static func number(_ value: Float) -> String {
        value.isFinite ? "\(value)" : "0"
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
